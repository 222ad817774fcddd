/**
 * Classic mistake: a node looks at the term of requests (RequestVote, AppendEntries) but not at the
 * term of replies. A leader that was cut off and comes back keeps sending AppendEntries in its old
 * term; the followers reject them with their newer term, and the old leader never notices: it goes
 * on believing it leads (and accepting commands that can never commit) as long as the new leader's
 * own messages do not reach it.
 * Correct: Figure 2, "Rules for all servers": on ANY RPC request or response with term T >
 * currentTerm, set currentTerm = T and convert to follower.
 */
import type { Json, NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft, type Message } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  override onMessage(from: NodeId, raw: Json): void {
    const m = raw as unknown as Message;
    if (m.type.endsWith("-reply") && m.term > this.term) return;
    super.onMessage(from, raw);
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
