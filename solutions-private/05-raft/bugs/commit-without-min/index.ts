/**
 * Classic mistake: a follower sets its commitIndex to the leader's, not to
 * min(leaderCommit, index of the last new entry). When the request carried only part of what the
 * leader has committed, the follower "commits" entries it does not have, or stale ones that the
 * leader has not yet checked.
 * Correct: Figure 2, AppendEntries step 5.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override followCommit(leaderCommit: number): void {
    if (leaderCommit > this.commitIndex) {
      this.commitIndex = leaderCommit;
      this.applyCommitted();
    }
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
