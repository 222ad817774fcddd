/**
 * Lab 2: the coordinator.
 *
 * It owns the job: one map task per input file (`job.inputs`), then `job.nReduce` reduce tasks. It
 * never touches the file system; workers ask it for work with messages you design, and it answers.
 *
 * A plan that works (Dean & Ghemawat 2004, section 3):
 * - A table of tasks: idle, running (with which attempts, given to whom, since when) or done.
 * - Hand an idle map task to every worker that asks; once every map task is *done* (not just handed
 *   out), hand out reduce tasks; otherwise tell the worker to wait and ask again.
 * - Number every attempt. A running attempt that has not finished within a timeout (about 1-2 s:
 *   no healthy task in the tests takes longer than 1 s) is given away: the task is idle again, and a
 *   completion reported later by that attempt is ignored.
 * - A worker that restarts has lost its task: notice the restart (a new incarnation id in its asks)
 *   and make its attempts idle again at once, rather than waiting for the timeout.
 * - Near the end of a phase (nothing idle left), give an idle worker a backup copy of a task that has
 *   run far longer than this phase's tasks usually take; the first copy to finish wins.
 * - When every reduce task is done, call `job.done()` once, and from then on tell workers to exit.
 * - Workers retry lost asks: answer a repeated ask the way you answered it the first time.
 */
import type { Json, NodeContext, NodeHandlers, NodeId } from "../../grader/sim/api.js";
import type { CoordinatorJob } from "../../grader/suites/02-mapreduce/interface.js";

export class Coordinator implements NodeHandlers {
  // TODO: the task table, attempt numbers, how long finished tasks took.

  constructor(
    protected readonly ctx: NodeContext,
    protected readonly job: CoordinatorJob,
  ) {}

  onStart(): void {
    // TODO: start a periodic timer that gives away attempts that have timed out.
    throw new Error("not implemented: Coordinator.onStart in labs/02-mapreduce/coordinator.ts");
  }

  onMessage(from: NodeId, msg: Json): void {
    // TODO: a worker asks for work (perhaps reporting a finished attempt): record it, answer it.
    throw new Error("not implemented: Coordinator.onMessage in labs/02-mapreduce/coordinator.ts");
  }

  onTimer(payload: Json): void {
    // TODO: time out attempts that have gone quiet.
    throw new Error("not implemented: Coordinator.onTimer in labs/02-mapreduce/coordinator.ts");
  }
}

export function createCoordinator(ctx: NodeContext, job: CoordinatorJob): NodeHandlers {
  return new Coordinator(ctx, job);
}
