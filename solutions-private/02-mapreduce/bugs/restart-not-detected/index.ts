/**
 * Classic mistake: the coordinator does not notice that a worker restarted. The tasks the worker
 * was running when it crashed are lost with it, but the coordinator waits out the whole task
 * timeout for each of them before giving them to someone else, even though the restarted worker
 * is already asking for new work. Under a storm of crashes the job crawls from timeout to timeout.
 */
import type { NodeContext, NodeHandlers } from "../../../../grader/sim/api.js";
import type { CoordinatorJob } from "../../../../grader/suites/02-mapreduce/interface.js";
import { Coordinator } from "../../coordinator.js";

export * from "../../index.js";

class RestartNotDetected extends Coordinator {
  protected override workerRestarted(): void {}
}

export function createCoordinator(ctx: NodeContext, job: CoordinatorJob): NodeHandlers {
  return new RestartNotDetected(ctx, job);
}
