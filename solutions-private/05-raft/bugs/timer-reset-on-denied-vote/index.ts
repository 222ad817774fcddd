/**
 * Classic mistake: a node resets its election timer on every RequestVote it answers, including the
 * ones it denies. A node with a stale log (back from a partition) that keeps timing out and asking
 * for votes then keeps the up-to-date nodes from ever timing out themselves: nobody it can elect
 * ever runs, and the cluster stays leaderless.
 * Correct: reset the election timer only when you grant a vote or hear from the current leader.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft, type Message } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override handleVote(from: NodeId, m: Extract<Message, { type: "vote" }>): void {
    super.handleVote(from, m);
    if (m.term === this.term && this.role === "follower") this.resetElectionTimer();
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
