/**
 * Classic mistake: after a restart the node restores its snapshot into its own state but never hands
 * it to the service, then applies the entries after it. The service, which restarted empty, sees
 * index s + 1 first, missing everything up to the snapshot.
 * Correct: in onStart, call service.installSnapshot with the persisted snapshot before applying.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  override onStart(): void {
    this.restore();
    this.commitIndex = this.lastApplied = this.snapIndex;
    this.resetElectionTimer();
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
