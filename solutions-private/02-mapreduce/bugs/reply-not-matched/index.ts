/**
 * Classic mistake: the worker takes any reply that arrives while it is waiting as the answer to its
 * current ask, without matching it to that ask. A duplicated or delayed reply to an earlier ask
 * then hands the worker a task it already did, and it runs it again, while the task the
 * coordinator meant for it sits unstarted until it times out.
 * Match each reply to the ask it answers (a sequence number), and drop the rest.
 */
import type { Json, NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { MapReduceApp, SharedFs, WorkerJob, WorkerNode } from "../../../../grader/suites/02-mapreduce/interface.js";
import type { Reply } from "../../protocol.js";
import { Worker } from "../../worker.js";

export * from "../../index.js";

class ReplyNotMatched extends Worker {
  override onMessage(_from: NodeId, msg: Json): void {
    const reply = msg as unknown as Reply;
    if (reply.type !== "reply" || this.pending === null) return;
    this.pending = null;
    if (this.retry !== null) this.ctx.cancelTimer(this.retry);
    this.retry = null;
    this.handle(reply.assignment);
  }
}

export function createWorker(ctx: NodeContext, fs: SharedFs, app: MapReduceApp, job: WorkerJob): WorkerNode {
  return new ReplyNotMatched(ctx, fs, app, job);
}
