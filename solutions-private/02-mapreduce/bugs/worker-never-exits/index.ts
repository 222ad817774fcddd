/**
 * Classic mistake: workers that never exit. Told the job is over, the worker treats it like "wait"
 * and keeps asking for work forever. Call job.exit() when the coordinator says the job is done.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { MapReduceApp, SharedFs, WorkerJob, WorkerNode } from "../../../../grader/suites/02-mapreduce/interface.js";
import { Worker } from "../../worker.js";
import type { Assignment } from "../../protocol.js";

export * from "../../index.js";

class NeverExits extends Worker {
  protected override handle(a: Assignment): void {
    super.handle(a.kind === "exit" ? { kind: "wait" } : a);
  }
}

export function createWorker(ctx: NodeContext, fs: SharedFs, app: MapReduceApp, job: WorkerJob): WorkerNode {
  return new NeverExits(ctx, fs, app, job);
}
