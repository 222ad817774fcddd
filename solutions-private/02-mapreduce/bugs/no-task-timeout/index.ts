/**
 * Classic mistake: no task timeout. A task given to a worker that crashes or stalls is never given to
 * anyone else, so the job waits for it forever. Give an attempt that has gone quiet for too long to
 * another worker.
 */
import type { NodeContext, NodeHandlers } from "../../../../grader/sim/api.js";
import type { CoordinatorJob } from "../../../../grader/suites/02-mapreduce/interface.js";
import { Coordinator } from "../../coordinator.js";

export * from "../../index.js";

class NeverGivesUp extends Coordinator {
  protected override expireAttempts(): void {}
}

export function createCoordinator(ctx: NodeContext, job: CoordinatorJob): NodeHandlers {
  return new NeverGivesUp(ctx, job);
}
