/**
 * Classic mistake: sequence numbers that do not survive a restart. The worker numbers its asks but
 * has no incarnation id, and the coordinator, to shrug off duplicated and reordered asks, drops every
 * ask numbered below the last one it answered from that worker. A restarted worker remembers
 * nothing: it numbers its asks from 1 again, and the coordinator drops all of them as old
 * duplicates, so the worker never gets work again, nor hears that the job is over. Tell incarnations
 * apart (a random id chosen at start), or persist the numbering.
 */
import type { Json, NodeContext, NodeHandlers, NodeId } from "../../../../grader/sim/api.js";
import type { CoordinatorJob, MapReduceApp, SharedFs, WorkerJob, WorkerNode } from "../../../../grader/suites/02-mapreduce/interface.js";
import { Coordinator } from "../../coordinator.js";
import type { Ask } from "../../protocol.js";
import { Worker } from "../../worker.js";

export * from "../../index.js";

class DropsOldNumbers extends Coordinator {
  private readonly highest = new Map<NodeId, number>();

  override onMessage(from: NodeId, msg: Json): void {
    const ask = msg as unknown as Ask;
    if (ask.type === "ask" && ask.seq < (this.highest.get(from) ?? 0)) return;
    if (ask.type === "ask") this.highest.set(from, ask.seq);
    super.onMessage(from, msg);
  }
}

class NoIncarnationId extends Worker {
  protected override readonly nonce = "worker";
}

export function createCoordinator(ctx: NodeContext, job: CoordinatorJob): NodeHandlers {
  return new DropsOldNumbers(ctx, job);
}

export function createWorker(ctx: NodeContext, fs: SharedFs, app: MapReduceApp, job: WorkerJob): WorkerNode {
  return new NoIncarnationId(ctx, fs, app, job);
}
