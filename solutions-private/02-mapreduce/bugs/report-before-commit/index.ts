/**
 * Classic mistake: reporting a task done before its output is. The worker reports a reduce task
 * complete as soon as it *starts* writing the output (holding on to its next task until the write is
 * done, then renaming), so the coordinator can declare the job done while the last output is still
 * being written. Rename, then report, once onFsDone says the write is complete.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { MapReduceApp, SharedFs, WorkerJob, WorkerNode } from "../../../../grader/suites/02-mapreduce/interface.js";
import type { Assignment } from "../../protocol.js";
import { Worker, type Step } from "../../worker.js";

export * from "../../index.js";

class ReportsEarly extends Worker {
  private held: Assignment | null = null;

  protected override writeReduceOutput(task: Extract<Assignment, { kind: "reduce" }>, files: Record<string, string | null>): void {
    super.writeReduceOutput(task, files);
    this.ask({ kind: "reduce", task: task.task, attempt: task.attempt });
  }

  protected override handle(a: Assignment): void {
    if (this.step !== null) this.held = a;
    else super.handle(a);
  }

  protected override commit(step: Step): void {
    if (step.task.kind !== "reduce") return super.commit(step);
    for (const [temp, final] of step.renames ?? []) this.fs.rename(temp, final);
    this.step = null;
    const next = this.held;
    this.held = null;
    if (next !== null) super.handle(next);
  }
}

export function createWorker(ctx: NodeContext, fs: SharedFs, app: MapReduceApp, job: WorkerJob): WorkerNode {
  return new ReportsEarly(ctx, fs, app, job);
}
