/**
 * Classic mistake: no barrier between map and reduce. Reduce tasks are handed out once every map task
 * has been *given out*, not once every map task has *finished*, so a reduce task can read before some
 * map output exists and miss its values. Start reduce tasks only when all map tasks are done.
 */
import type { NodeContext, NodeHandlers } from "../../../../grader/sim/api.js";
import type { CoordinatorJob } from "../../../../grader/suites/02-mapreduce/interface.js";
import { Coordinator, type Task } from "../../coordinator.js";

export * from "../../index.js";

class NoBarrier extends Coordinator {
  protected override currentPhase(): Task[] {
    return this.maps.every((t) => t.status !== "idle") ? this.reduces : this.maps;
  }
}

export function createCoordinator(ctx: NodeContext, job: CoordinatorJob): NodeHandlers {
  return new NoBarrier(ctx, job);
}
