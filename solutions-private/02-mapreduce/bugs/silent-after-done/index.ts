/**
 * Classic mistake: a coordinator that stops answering once the job is done (as if it had exited).
 * Workers asking for more work hear nothing, retry forever, and never learn that the job is over.
 * After done(), keep answering, and tell every worker that asks to exit.
 */
import type { Json, NodeContext, NodeHandlers, NodeId } from "../../../../grader/sim/api.js";
import type { CoordinatorJob } from "../../../../grader/suites/02-mapreduce/interface.js";
import { Coordinator } from "../../coordinator.js";

export * from "../../index.js";

class SilentAfterDone extends Coordinator {
  override onMessage(from: NodeId, msg: Json): void {
    if (!this.finished) super.onMessage(from, msg);
  }
}

export function createCoordinator(ctx: NodeContext, job: CoordinatorJob): NodeHandlers {
  return new SilentAfterDone(ctx, job);
}
