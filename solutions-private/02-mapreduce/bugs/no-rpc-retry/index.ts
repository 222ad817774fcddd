/**
 * Classic mistake: trusting the network. The worker asks the coordinator once and waits for the reply;
 * if the ask or the reply is lost, it waits forever (and a completion carried by a lost ask is never
 * reported). Ask again until you hear back, and make the coordinator answer a repeated ask the same way.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { MapReduceApp, SharedFs, WorkerJob, WorkerNode } from "../../../../grader/suites/02-mapreduce/interface.js";
import { Worker } from "../../worker.js";
import { asJson, type Ask } from "../../protocol.js";

export * from "../../index.js";

class SendsOnce extends Worker {
  protected override send(ask: Ask): void {
    this.ctx.send(this.job.coordinator, asJson(ask));
  }
}

export function createWorker(ctx: NodeContext, fs: SharedFs, app: MapReduceApp, job: WorkerJob): WorkerNode {
  return new SendsOnce(ctx, fs, app, job);
}
