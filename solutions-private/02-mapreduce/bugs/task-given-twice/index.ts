/**
 * Classic mistake: handing out a task without marking it taken. The coordinator records the attempt
 * but leaves the task idle, so every worker that asks before the first finishes gets the same task,
 * and a job with no failures runs its map tasks several times over. Mark a task running as soon as
 * it is handed out.
 */
import type { NodeContext, NodeHandlers, NodeId } from "../../../../grader/sim/api.js";
import type { CoordinatorJob } from "../../../../grader/suites/02-mapreduce/interface.js";
import { Coordinator, type Task } from "../../coordinator.js";
import type { Assignment } from "../../protocol.js";

export * from "../../index.js";

class StaysIdle extends Coordinator {
  protected override start(task: Task, worker: NodeId): Assignment {
    const assignment = super.start(task, worker);
    task.status = "idle";
    return assignment;
  }
}

export function createCoordinator(ctx: NodeContext, job: CoordinatorJob): NodeHandlers {
  return new StaysIdle(ctx, job);
}
