/**
 * Classic mistake: a follower does not reset its election timer when it hears from the current
 * leader. Every follower times out while the leader is alive and well, and starts an election: the
 * term keeps rising and leadership keeps moving although nothing failed.
 * Correct: Figure 2, rules for followers: an AppendEntries from the current leader resets the timer.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override acceptLeader(): void {
    if (this.role !== "follower") this.becomeFollower(this.term);
    if (this.electionTimer === null) this.resetElectionTimer();
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
