/**
 * Classic mistake: taking "no task for you now" for "the job is over". Told to wait (every map task
 * is handed out but not all are done), the worker exits, so the job loses its workers at the barrier
 * and may never finish. Exit only when the coordinator says the job is done; on "wait", ask again.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { MapReduceApp, SharedFs, WorkerJob, WorkerNode } from "../../../../grader/suites/02-mapreduce/interface.js";
import type { Assignment } from "../../protocol.js";
import { Worker } from "../../worker.js";

export * from "../../index.js";

class ExitsOnWait extends Worker {
  protected override handle(a: Assignment): void {
    super.handle(a.kind === "wait" ? { kind: "exit" } : a);
  }
}

export function createWorker(ctx: NodeContext, fs: SharedFs, app: MapReduceApp, job: WorkerJob): WorkerNode {
  return new ExitsOnWait(ctx, fs, app, job);
}
