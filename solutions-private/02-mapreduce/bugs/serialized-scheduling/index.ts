/**
 * Classic mistake: scheduling serialized under one lock. The coordinator hands out a task only when no
 * other task is running, as if holding a lock across the whole task, so the workers take turns and the
 * job runs no faster than on one machine. Hand a task to every worker that asks.
 */
import type { NodeContext, NodeHandlers, NodeId } from "../../../../grader/sim/api.js";
import type { CoordinatorJob } from "../../../../grader/suites/02-mapreduce/interface.js";
import { Coordinator } from "../../coordinator.js";
import type { Assignment } from "../../protocol.js";

export * from "../../index.js";

class OneAtATime extends Coordinator {
  protected override assign(worker: NodeId): Assignment {
    if (!this.finished && [...this.maps, ...this.reduces].some((t) => t.status === "running")) return { kind: "wait" };
    return super.assign(worker);
  }
}

export function createCoordinator(ctx: NodeContext, job: CoordinatorJob): NodeHandlers {
  return new OneAtATime(ctx, job);
}
