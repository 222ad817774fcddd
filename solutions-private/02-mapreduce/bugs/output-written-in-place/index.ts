/**
 * Classic mistake: writing output non-atomically. Map and reduce tasks write straight into their
 * final files (mr-M-R, mr-out-R), so while a write is in progress (or forever, if the worker crashes
 * or stalls) the file holds only part of its contents: a late or duplicate attempt tears an
 * intermediate file that a reduce task is reading, or rewrites an output that was already final.
 * Write a temporary file and rename it into place once the write is complete.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { MapReduceApp, SharedFs, WorkerJob, WorkerNode } from "../../../../grader/suites/02-mapreduce/interface.js";
import { Worker } from "../../worker.js";

export * from "../../index.js";

class WritesInPlace extends Worker {
  protected override tempName(_attempt: number, final: string): string {
    return final;
  }
}

export function createWorker(ctx: NodeContext, fs: SharedFs, app: MapReduceApp, job: WorkerJob): WorkerNode {
  return new WritesInPlace(ctx, fs, app, job);
}
