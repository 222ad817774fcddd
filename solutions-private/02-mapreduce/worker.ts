/**
 * The reference worker: asks the coordinator for work (retrying until it hears back), runs the task
 * over the shared file system, commits its output by writing temporary files and renaming them into
 * place, reports completion with its next ask, and exits when the coordinator says the job is over.
 */
import type { Json, NodeContext, NodeId, TimerId } from "../../grader/sim/api.js";
import { outputFile, type FsResult, type MapReduceApp, type SharedFs, type WorkerJob, type WorkerNode } from "../../grader/suites/02-mapreduce/interface.js";
import { asJson, intermediateFile, partition, type Ask, type Assignment, type Finished, type Reply } from "./protocol.js";

/** Ask again if the coordinator has not answered in this long (the ask or the reply may be lost). */
export const RETRY_MS = 250;
/** How long to wait before asking again when the coordinator says "wait". */
export const WAIT_MS = 50;

/** Where a worker is in its task: waiting for a read (to map or reduce) or for a write (to commit). */
export type Step = { then: "map" | "reduce" | "commit"; task: Assignment & { kind: "map" | "reduce" }; renames?: [string, string][] };

export class Worker implements WorkerNode {
  protected readonly nonce: string;
  protected seq = 0;
  protected pending: Ask | null = null;
  protected retry: TimerId | null = null;
  protected step: Step | null = null;

  constructor(
    protected readonly ctx: NodeContext,
    protected readonly fs: SharedFs,
    protected readonly app: MapReduceApp,
    protected readonly job: WorkerJob,
  ) {
    this.nonce = ctx.random().toString(36).slice(2);
  }

  onStart(): void {
    this.ask(null);
  }

  onTimer(payload: Json, timer: TimerId): void {
    if (payload === "ask") return this.ask(null);
    if (payload === "retry" && timer === this.retry && this.pending !== null) this.send(this.pending);
  }

  onMessage(_from: NodeId, msg: Json): void {
    const reply = msg as unknown as Reply;
    if (reply.type !== "reply" || this.pending === null || reply.nonce !== this.nonce || reply.seq !== this.pending.seq) return;
    this.pending = null;
    if (this.retry !== null) this.ctx.cancelTimer(this.retry);
    this.retry = null;
    this.handle(reply.assignment);
  }

  protected handle(a: Assignment): void {
    switch (a.kind) {
      case "exit":
        return this.job.exit();
      case "wait":
        this.ctx.setTimer(WAIT_MS, "ask");
        return;
      case "map":
        this.step = { then: "map", task: a };
        return this.fs.read([a.file]);
      case "reduce":
        this.step = { then: "reduce", task: a };
        return this.fs.read(Array.from({ length: a.nMap }, (_, m) => intermediateFile(m, a.task)));
    }
  }

  onFsDone(result: FsResult): void {
    const step = this.step;
    if (step === null) return;
    if (result.op === "read" && step.then === "map" && step.task.kind === "map") return this.writeMapOutput(step.task, result.files);
    if (result.op === "read" && step.then === "reduce" && step.task.kind === "reduce") return this.writeReduceOutput(step.task, result.files);
    if (result.op === "write" && step.then === "commit") return this.commit(step);
  }

  protected writeMapOutput(task: Extract<Assignment, { kind: "map" }>, files: Record<string, string | null>): void {
    const buckets: [string, string][][] = Array.from({ length: task.nReduce }, () => []);
    for (const { key, value } of this.app.map(task.file, files[task.file] ?? "")) buckets[partition(key, task.nReduce)]?.push([key, value]);
    const out: Record<string, string> = {};
    const renames: [string, string][] = [];
    buckets.forEach((pairs, r) => {
      const final = intermediateFile(task.task, r);
      const temp = this.tempName(task.attempt, final);
      out[temp] = JSON.stringify(pairs);
      renames.push([temp, final]);
    });
    this.step = { then: "commit", task, renames };
    this.fs.write(out);
  }

  protected writeReduceOutput(task: Extract<Assignment, { kind: "reduce" }>, files: Record<string, string | null>): void {
    const grouped = new Map<string, string[]>();
    for (const contents of Object.values(files)) {
      for (const [key, value] of JSON.parse(contents ?? "[]") as [string, string][]) {
        const list = grouped.get(key);
        if (list) list.push(value);
        else grouped.set(key, [value]);
      }
    }
    const lines = [...grouped.keys()].sort().map((key) => `${key} ${this.app.reduce(key, grouped.get(key) as string[])}\n`);
    const final = outputFile(task.task);
    const temp = this.tempName(task.attempt, final);
    this.step = { then: "commit", task, renames: [[temp, final]] };
    this.fs.write({ [temp]: lines.join("") });
  }

  /** The output is complete on disk: rename it into place (atomic), then report. */
  protected commit(step: Step): void {
    for (const [temp, final] of step.renames ?? []) this.fs.rename(temp, final);
    this.step = null;
    this.ask({ kind: step.task.kind, task: step.task.task, attempt: step.task.attempt });
  }

  /** Unique per attempt, so two attempts never write the same temporary file. */
  protected tempName(attempt: number, final: string): string {
    return `tmp-${this.ctx.id}-${attempt}-${final}`;
  }

  protected ask(finished: Finished | null): void {
    this.pending = { type: "ask", nonce: this.nonce, seq: ++this.seq, finished };
    this.send(this.pending);
  }

  protected send(ask: Ask): void {
    this.ctx.send(this.job.coordinator, asJson(ask));
    if (this.retry !== null) this.ctx.cancelTimer(this.retry);
    this.retry = this.ctx.setTimer(RETRY_MS, "retry");
  }
}

export function createWorker(ctx: NodeContext, fs: SharedFs, app: MapReduceApp, job: WorkerJob): WorkerNode {
  return new Worker(ctx, fs, app, job);
}
