/**
 * Classic mistake: speculative execution with no threshold. As soon as nothing is left to hand out,
 * every running task gets a backup copy, whether or not it is slow, so with no failures at all map
 * tasks run twice. Back up only a task running far longer than the phase's other tasks took.
 */
import type { NodeContext, NodeHandlers, NodeId } from "../../../../grader/sim/api.js";
import type { CoordinatorJob } from "../../../../grader/suites/02-mapreduce/interface.js";
import { Coordinator, type Task } from "../../coordinator.js";

export * from "../../index.js";

class EagerBackups extends Coordinator {
  protected override backupCandidate(phase: Task[], worker: NodeId): Task | undefined {
    return phase.find((t) => t.status === "running" && t.attempts.size === 1 && ![...t.attempts.values()].some((a) => a.worker === worker));
  }
}

export function createCoordinator(ctx: NodeContext, job: CoordinatorJob): NodeHandlers {
  return new EagerBackups(ctx, job);
}
