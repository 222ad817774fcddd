/**
 * The reference coordinator. It hands out map tasks, then (once every map task is done) reduce
 * tasks; gives a task whose attempt has gone quiet for `TASK_TIMEOUT_MS` to someone else and ignores
 * that attempt's completion from then on; near the end of a phase, runs a backup attempt of a task
 * that is taking far longer than the phase's typical task; and reports done once every reduce task
 * has committed its output.
 */
import type { Json, NodeContext, NodeHandlers, NodeId } from "../../grader/sim/api.js";
import type { CoordinatorJob } from "../../grader/suites/02-mapreduce/interface.js";
import { asJson, type Ask, type Assignment, type Finished, type Reply, type TaskKind } from "./protocol.js";

/** An attempt that has not finished in this long is given away. */
export const TASK_TIMEOUT_MS = 2000;
/** A task running this many times longer than the phase's slowest finished task gets a backup. */
export const BACKUP_AFTER = 2;
const TICK_MS = 100;

interface Attempt {
  worker: NodeId;
  startedAt: number;
}

export interface Task {
  kind: TaskKind;
  index: number;
  status: "idle" | "running" | "done";
  /** Attempts still in the running: a completion from any other attempt is ignored. */
  attempts: Map<number, Attempt>;
  /** Who committed it, when it finished. */
  doneBy: NodeId | null;
}

export class Coordinator implements NodeHandlers {
  protected readonly maps: Task[];
  protected readonly reduces: Task[];
  protected attempts = 0;
  protected finished = false;
  /** How long finished tasks took, per phase (for spotting stragglers). */
  protected readonly durations: Record<TaskKind, number[]> = { map: [], reduce: [] };
  /** The last reply to each worker, for answering a retried ask the same way. */
  private readonly lastReply = new Map<NodeId, Reply>();
  /** Each worker's current incarnation, as told by the nonce in its asks. */
  private readonly incarnation = new Map<NodeId, string>();
  /** An attempt running longer than this is given away. */
  protected readonly taskTimeoutMs: number = TASK_TIMEOUT_MS;

  constructor(
    protected readonly ctx: NodeContext,
    protected readonly job: CoordinatorJob,
  ) {
    const task = (kind: TaskKind, index: number): Task => ({ kind, index, status: "idle", attempts: new Map(), doneBy: null });
    this.maps = job.inputs.map((_, i) => task("map", i));
    this.reduces = Array.from({ length: job.nReduce }, (_, r) => task("reduce", r));
  }

  onStart(): void {
    this.ctx.setTimer(TICK_MS, "tick");
  }

  onTimer(): void {
    this.expireAttempts();
    this.ctx.setTimer(TICK_MS, "tick");
  }

  onMessage(from: NodeId, msg: Json): void {
    const ask = msg as unknown as Ask;
    if (ask.type !== "ask") return;
    const last = this.lastReply.get(from);
    if (last !== undefined && last.nonce === ask.nonce && last.seq === ask.seq) {
      // A retry of an ask we already answered (the reply may have been lost): answer the same way.
      this.ctx.send(from, asJson(last));
      return;
    }
    const known = this.incarnation.get(from);
    this.incarnation.set(from, ask.nonce);
    if (known !== undefined && known !== ask.nonce) this.workerRestarted(from);
    if (ask.finished !== null) this.complete(from, ask.finished);
    const reply: Reply = { type: "reply", nonce: ask.nonce, seq: ask.seq, assignment: this.assign(from) };
    this.lastReply.set(from, reply);
    this.ctx.send(from, asJson(reply));
  }

  /** Records a finished attempt, unless the task was given away from that attempt or is already done. */
  protected complete(worker: NodeId, f: Finished): void {
    const task = (f.kind === "map" ? this.maps : this.reduces)[f.task];
    if (task === undefined || task.status === "done") return;
    const attempt = task.attempts.get(f.attempt);
    if (attempt === undefined) return;
    task.status = "done";
    task.doneBy = worker;
    task.attempts.clear();
    this.durations[task.kind].push(this.ctx.now() - attempt.startedAt);
    if (!this.finished && this.reduces.every((t) => t.status === "done")) {
      this.finished = true;
      this.job.done();
    }
  }

  protected assign(worker: NodeId): Assignment {
    if (this.finished) return { kind: "exit" };
    const phase = this.currentPhase();
    const task = phase.find((t) => t.status === "idle") ?? this.backupCandidate(phase, worker);
    if (task === undefined) return { kind: "wait" };
    return this.start(task, worker);
  }

  /** The map tasks until every one is done (the barrier), then the reduce tasks. */
  protected currentPhase(): Task[] {
    return this.maps.every((t) => t.status === "done") ? this.reduces : this.maps;
  }

  protected start(task: Task, worker: NodeId): Assignment {
    const attempt = ++this.attempts;
    task.status = "running";
    task.attempts.set(attempt, { worker, startedAt: this.ctx.now() });
    return task.kind === "map"
      ? { kind: "map", task: task.index, attempt, file: this.job.inputs[task.index] as string, nReduce: this.job.nReduce }
      : { kind: "reduce", task: task.index, attempt, nMap: this.maps.length };
  }

  /**
   * Near the end of a phase (nothing idle left): the longest-running task with a single attempt, if it
   * has run far longer than any task of this phase took to finish.
   */
  protected backupCandidate(phase: Task[], worker: NodeId): Task | undefined {
    const done = this.durations[phase[0]?.kind ?? "map"];
    if (done.length === 0) return undefined;
    const now = this.ctx.now();
    let pick: Task | undefined;
    let longest = BACKUP_AFTER * Math.max(...done);
    for (const task of phase) {
      if (task.status !== "running" || task.attempts.size !== 1) continue;
      const [only] = task.attempts.values() as Iterable<Attempt>;
      if (only === undefined || only.worker === worker) continue;
      if (now - only.startedAt > longest) {
        longest = now - only.startedAt;
        pick = task;
      }
    }
    return pick;
  }

  /**
   * A worker came back from a crash: whatever it was running is lost, so give its attempts away now
   * rather than after the timeout. What it finished is in the shared file system and stays done.
   */
  protected workerRestarted(worker: NodeId): void {
    for (const task of [...this.maps, ...this.reduces]) {
      if (task.status !== "running") continue;
      for (const [id, a] of task.attempts) if (a.worker === worker) task.attempts.delete(id);
      if (task.attempts.size === 0) task.status = "idle";
    }
  }

  /** Gives away every attempt that has run longer than the timeout; a task left with none is idle again. */
  protected expireAttempts(): void {
    const now = this.ctx.now();
    for (const task of [...this.maps, ...this.reduces]) {
      if (task.status !== "running") continue;
      for (const [id, a] of task.attempts) if (now - a.startedAt > this.taskTimeoutMs) task.attempts.delete(id);
      if (task.attempts.size === 0) task.status = "idle";
    }
  }
}

export function createCoordinator(ctx: NodeContext, job: CoordinatorJob): NodeHandlers {
  return new Coordinator(ctx, job);
}
