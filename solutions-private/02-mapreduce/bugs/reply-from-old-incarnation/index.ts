/**
 * Classic mistake: a stale message across a restart. The worker matches a reply to its ask by the
 * sequence number alone, not by its incarnation. A restarted worker numbers its asks from 1 again, so
 * the answer to its old incarnation's first ask, still in flight at the crash, passes for the answer
 * to its new first ask: it runs the task given to its dead incarnation (whose attempt the coordinator
 * has already written off) and ignores the task it was really given, which waits out the timeout.
 * Match replies to the incarnation as well as the ask.
 */
import type { Json, NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { MapReduceApp, SharedFs, WorkerJob, WorkerNode } from "../../../../grader/suites/02-mapreduce/interface.js";
import type { Reply } from "../../protocol.js";
import { Worker } from "../../worker.js";

export * from "../../index.js";

class SeqOnly extends Worker {
  override onMessage(from: NodeId, msg: Json): void {
    const reply = msg as unknown as Reply;
    super.onMessage(from, { ...reply, nonce: this.nonce } as unknown as Json);
  }
}

export function createWorker(ctx: NodeContext, fs: SharedFs, app: MapReduceApp, job: WorkerJob): WorkerNode {
  return new SeqOnly(ctx, fs, app, job);
}
