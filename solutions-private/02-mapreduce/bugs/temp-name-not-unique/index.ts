/**
 * Classic mistake: one temporary name per output, not per attempt. Two attempts of the same task
 * (a backup and the original, or a stalled worker and its replacement) write the same temporary
 * file; the first to finish renames it into place while the other is still writing it, so the final
 * output holds only part of its contents (and changes again when the other write lands). Include the
 * worker and the attempt in every temporary name.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { MapReduceApp, SharedFs, WorkerJob, WorkerNode } from "../../../../grader/suites/02-mapreduce/interface.js";
import { Worker } from "../../worker.js";

export * from "../../index.js";

class SharedTempNames extends Worker {
  protected override tempName(_attempt: number, final: string): string {
    return `tmp-${final}`;
  }
}

export function createWorker(ctx: NodeContext, fs: SharedFs, app: MapReduceApp, job: WorkerJob): WorkerNode {
  return new SharedTempNames(ctx, fs, app, job);
}
