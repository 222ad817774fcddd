/**
 * Classic mistake: a node judges a RequestVote before it adopts the request's newer term. In its old
 * term the request is "not for this term", so it refuses, and only then moves to the new term. Every
 * candidate's first request in a new term is refused by every peer; the candidate times out, runs
 * again in a newer term, and is refused again: no leader is ever elected.
 * Correct: Figure 2, rules for all servers, first: on any RPC with term T > currentTerm, set
 * currentTerm = T (clearing votedFor) and become a follower; then handle the request.
 */
import type { Json, NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft, type Message } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  override onMessage(from: NodeId, raw: Json): void {
    const m = raw as unknown as Message;
    if (m.type === "vote" && m.term > this.term) {
      this.send(from, { type: "vote-reply", term: this.term, granted: false });
      this.becomeFollower(m.term);
      return;
    }
    super.onMessage(from, raw);
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
