/**
 * Classic mistake: the node syncs its storage only when its term or vote changes; new log entries
 * are written but not made durable before the follower acknowledges them. A crash right after the
 * acknowledgement loses entries the leader counted to commit.
 * Correct: sync everything that changed before sending any reply.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  private metaChanged = false;

  protected override saveMeta(): void {
    super.saveMeta();
    this.metaChanged = true;
  }

  protected override flush(): void {
    if (!this.metaChanged) return;
    this.metaChanged = false;
    super.flush();
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
