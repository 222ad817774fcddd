/**
 * Classic mistake: a task timeout shorter than a healthy task. Tuned on small inputs and a fast
 * network, a 400 ms timeout looks safe; when tasks take most of a second, every attempt is given away
 * while its worker is still working on it, and since a given-away attempt's report is ignored, no
 * attempt ever counts. Make the timeout comfortably longer than the slowest healthy task (the handout
 * says tasks take up to about 1 s).
 */
import type { NodeContext, NodeHandlers } from "../../../../grader/sim/api.js";
import type { CoordinatorJob } from "../../../../grader/suites/02-mapreduce/interface.js";
import { Coordinator } from "../../coordinator.js";

export * from "../../index.js";

class ImpatientCoordinator extends Coordinator {
  protected override readonly taskTimeoutMs = 400;
}

export function createCoordinator(ctx: NodeContext, job: CoordinatorJob): NodeHandlers {
  return new ImpatientCoordinator(ctx, job);
}
