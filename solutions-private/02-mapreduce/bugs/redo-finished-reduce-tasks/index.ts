/**
 * Classic mistake: re-executing finished reduce tasks after a crash. When a worker comes back from a
 * crash, every task it ever finished is run again, as the paper must for map tasks whose output sat on
 * the dead machine's local disk. Here all output is in the shared file system and survives its worker:
 * a committed task is done for good.
 */
import type { NodeContext, NodeHandlers, NodeId } from "../../../../grader/sim/api.js";
import type { CoordinatorJob } from "../../../../grader/suites/02-mapreduce/interface.js";
import { Coordinator } from "../../coordinator.js";

export * from "../../index.js";

class RedoesFinished extends Coordinator {
  protected override workerRestarted(worker: NodeId): void {
    super.workerRestarted(worker);
    for (const task of [...this.maps, ...this.reduces]) {
      if (task.status === "done" && task.doneBy === worker) {
        task.status = "idle";
        task.doneBy = null;
      }
    }
  }
}

export function createCoordinator(ctx: NodeContext, job: CoordinatorJob): NodeHandlers {
  return new RedoesFinished(ctx, job);
}
