/**
 * Classic mistake: a candidate whose election neither wins nor hears of a leader waits forever: its
 * election timer is not set again when it becomes a candidate. After a split vote (or a lost
 * RequestVote) nobody retries, and the cluster stays leaderless.
 * Correct: Figure 2, rules for candidates: if the election timeout elapses, start a new election.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override campaign(): void {
    super.campaign();
    if (this.electionTimer !== null) this.ctx.cancelTimer(this.electionTimer);
    this.electionTimer = null;
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
