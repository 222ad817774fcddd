/**
 * Classic mistake: writing output non-atomically. The reduce task writes straight into mr-out-R, so
 * while the write is in progress (or forever, if the worker crashes or stalls) the output holds only
 * part of its contents, and a late duplicate of the task rewrites an output that was already final.
 * Write a temporary file and rename it into place once the write is complete.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { MapReduceApp, SharedFs, WorkerJob, WorkerNode } from "../../../../grader/suites/02-mapreduce/interface.js";
import { Worker } from "../../worker.js";
import { outputFile } from "../../../../grader/suites/02-mapreduce/interface.js";

export * from "../../index.js";

class WritesInPlace extends Worker {
  protected override tempName(attempt: number, final: string): string {
    return final.startsWith(outputFile(0).slice(0, -1)) ? final : super.tempName(attempt, final);
  }
}

export function createWorker(ctx: NodeContext, fs: SharedFs, app: MapReduceApp, job: WorkerJob): WorkerNode {
  return new WritesInPlace(ctx, fs, app, job);
}
