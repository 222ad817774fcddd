/**
 * Classic mistake: no backup tasks. A task runs only where it was first given (or, after a timeout,
 * where it was given next), so one slow machine holds up the end of every phase it takes part in.
 * Near the end of a phase, give idle workers a copy of a task that is running far longer than usual.
 */
import type { NodeContext, NodeHandlers } from "../../../../grader/sim/api.js";
import type { CoordinatorJob } from "../../../../grader/suites/02-mapreduce/interface.js";
import { Coordinator, type Task } from "../../coordinator.js";

export * from "../../index.js";

class NoBackups extends Coordinator {
  protected override backupCandidate(): Task | undefined {
    return undefined;
  }
}

export function createCoordinator(ctx: NodeContext, job: CoordinatorJob): NodeHandlers {
  return new NoBackups(ctx, job);
}
