/**
 * Classic mistake: trusting every completion. The coordinator counts completion reports instead of
 * tracking which attempt of which task it is waiting for, so the late report of an attempt it already
 * gave away (or of a backup) counts a second time: the map phase "ends" before every map task has, and
 * reduce tasks read incomplete input. Accept a completion only from a current attempt of an unfinished task.
 */
import type { NodeContext, NodeHandlers, NodeId } from "../../../../grader/sim/api.js";
import type { CoordinatorJob } from "../../../../grader/suites/02-mapreduce/interface.js";
import { Coordinator, type Task } from "../../coordinator.js";
import type { Finished } from "../../protocol.js";

export * from "../../index.js";

class CountsReports extends Coordinator {
  private mapsDone = 0;
  private reducesDone = 0;

  protected override complete(_worker: NodeId, f: Finished): void {
    const task = (f.kind === "map" ? this.maps : this.reduces)[f.task];
    if (task === undefined) return;
    task.status = "done";
    task.attempts.clear();
    if (f.kind === "map") this.mapsDone++;
    else this.reducesDone++;
    if (!this.finished && this.reducesDone >= this.reduces.length) {
      this.finished = true;
      this.job.done();
    }
  }

  protected override currentPhase(): Task[] {
    return this.mapsDone >= this.maps.length ? this.reduces : this.maps;
  }
}

export function createCoordinator(ctx: NodeContext, job: CoordinatorJob): NodeHandlers {
  return new CountsReports(ctx, job);
}
