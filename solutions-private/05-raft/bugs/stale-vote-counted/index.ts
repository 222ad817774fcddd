/**
 * Classic mistake: a candidate counts every granted vote it receives, without checking that the
 * reply is from its current election. A vote granted in an earlier term, delivered late (or
 * duplicated), counts toward the current one; meanwhile the voter may have voted for someone else in
 * this term: two leaders in one term.
 * Correct: count a vote only if the reply's term equals currentTerm (and you are still a candidate).
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft, type Message } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override handleVoteReply(from: NodeId, m: Extract<Message, { type: "vote-reply" }>): void {
    if (this.role !== "candidate" || !m.granted) return;
    this.votes.add(from);
    if (this.votes.size * 2 > this.ctx.peers.length + 1) this.becomeLeader();
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
