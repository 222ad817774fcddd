/**
 * What a run's record shows about its tasks, so that a failure message names a cause the trace
 * supports rather than a symptom. The grader cannot read the learner's messages, but it sees every
 * file system call (who read what, who wrote what, when, and whether it finished), every map and
 * reduce call, every crash, restart, pause and exit, and who sent messages to whom. From those it
 * reconstructs each *attempt* at a task: a worker reading a task's input, then writing its output.
 */
import type { NodeId } from "../../sim/api.js";
import type { FsOp, RenameRecord, SharedFileSystem } from "./shared-fs.js";

export interface LifeEvent {
  node: NodeId;
  kind: "crash" | "restart" | "pause" | "resume" | "exit";
  at: number;
}

/** What the diagnoses read: a job's record so far. */
export interface JobRecord {
  fs: SharedFileSystem;
  inputs: ReadonlyMap<string, string>;
  workers: readonly NodeId[];
  life: readonly LifeEvent[];
  /** Send times per directed link, keyed `from>to`. */
  sends: ReadonlyMap<string, number[]>;
  coordinator: NodeId;
  now: number;
}

/** One worker's go at one task: the read of its input, then the writes of its output. */
export interface Attempt {
  node: NodeId;
  kind: "map" | "reduce";
  /** The input file (map), or the files read, sorted and joined (reduce): the same task, the same key. */
  task: string;
  /** The task in the lab's words ("the map task of input-003.txt"). */
  label: string;
  start: number;
  reads: FsOp[];
  writes: FsOp[];
  /** When its output was complete: the end of its first finished write (null if none finished). */
  committed: number | null;
  /** When the worker stopped working on it: output complete, crashed, exited, or on to another task. */
  until: number;
}

export const ms = (t: number): string => `${t.toLocaleString("en-US")}ms`;
export const msSpan = (t: number): string => `${t.toLocaleString("en-US")} ms`;

export function sendsOn(record: JobRecord, from: NodeId, to: NodeId): number[] {
  return record.sends.get(`${from}>${to}`) ?? [];
}

/** The first crash, pause or exit of `node` in (from, to], if any. */
export function disturbance(record: JobRecord, node: NodeId, from: number, to: number): LifeEvent | null {
  return record.life.find((e) => e.node === node && e.kind !== "restart" && e.kind !== "resume" && e.at > from && e.at <= to) ?? null;
}

function lifeChange(record: JobRecord, node: NodeId, from: number, to: number): boolean {
  return record.life.some((e) => e.node === node && (e.kind === "crash" || e.kind === "restart" || e.kind === "exit") && e.at > from && e.at <= to);
}

/** Every attempt of every worker, in order of start. */
export function attempts(record: JobRecord): Attempt[] {
  const all: Attempt[] = [];
  for (const node of record.workers) {
    const ops = record.fs.ops.filter((op) => op.node === node);
    let current: Attempt | null = null;
    let last: FsOp | null = null;
    for (const op of ops) {
      // A read opens an attempt after a write, a crash or a restart; reads in a row are one attempt.
      const fresh = op.op === "read" && (current === null || last?.op === "write" || lifeChange(record, node, last?.start ?? -1, op.start));
      if (fresh) {
        current = newAttempt(record, node, op);
        all.push(current);
      } else if (current !== null && op.op === "read") {
        current.reads.push(op);
      } else if (current !== null) {
        current.writes.push(op);
        if (op.done && current.committed === null) current.committed = op.end;
      }
      last = op;
    }
  }
  for (const a of all) finish(record, a, all);
  return all.sort((a, b) => a.start - b.start);
}

function newAttempt(record: JobRecord, node: NodeId, read: FsOp): Attempt {
  const input = read.paths.find((p) => record.inputs.has(p));
  const task = input ?? [...read.paths].sort().join(",");
  return { node, kind: input ? "map" : "reduce", task, label: "", start: read.start, reads: [read], writes: [], committed: null, until: record.now };
}

function finish(record: JobRecord, a: Attempt, all: readonly Attempt[]): void {
  if (a.kind === "reduce") {
    const reads = a.reads.flatMap((op) => op.paths);
    a.task = [...new Set(reads)].sort().join(",");
  }
  const next = all.filter((b) => b.node === a.node && b.start > a.start).reduce((t, b) => Math.min(t, b.start), Infinity);
  const stop = disturbance(record, a.node, a.start, record.now);
  const stopAt = stop && stop.kind !== "pause" ? stop.at : Infinity;
  a.until = Math.min(a.committed ?? Infinity, next, stopAt, record.now);
  a.label = labelOf(record.fs, a);
}

/** "the map task of input-003.txt", or for a reduce task the output it writes, if it got that far. */
function labelOf(fs: SharedFileSystem, a: Attempt): string {
  if (a.kind === "map") return `the map task of ${a.task}`;
  const out = outputOf(fs, a);
  if (out !== null) return `the reduce task of ${out}`;
  const files = a.task.split(",");
  return `the reduce task reading ${files[0]}${files.length > 1 ? ` and ${files.length - 1} other file(s)` : ""}`;
}

function outputOf(fs: SharedFileSystem, a: Attempt): string | null {
  for (const w of a.writes) {
    const direct = w.paths.find((p) => /^mr-out-\d+$/.test(p));
    if (direct) return direct;
    const renamed = fs.renames.find((r) => r.node === a.node && w.paths.includes(r.from) && /^mr-out-\d+$/.test(r.to));
    if (renamed) return renamed.to;
  }
  return null;
}

/** `a` was up, undisturbed and still working on its task at time `t` (it had not finished or moved on). */
export function workingAt(record: JobRecord, a: Attempt, t: number): boolean {
  return a.start < t && t < a.until && disturbance(record, a.node, a.start, t) === null;
}

export interface Reassignment {
  task: string;
  label: string;
  /** Every attempt of the task, in order of start. */
  runs: Attempt[];
  /** The attempts of the task, each started while an earlier one (on another worker) was still working. */
  chain: { before: Attempt; after: Attempt }[];
}

/** Tasks given to another worker while the worker that had them was up and still working on them. */
export function reassignedWhileWorking(record: JobRecord, list: readonly Attempt[]): Reassignment[] {
  const byTask = new Map<string, Reassignment>();
  for (const after of list) {
    const before = list.find((a) => a.task === after.task && a.node !== after.node && workingAt(record, a, after.start));
    if (before === undefined) continue;
    const r = byTask.get(after.task) ?? { task: after.task, label: after.label, runs: list.filter((a) => a.task === after.task), chain: [] };
    r.chain.push({ before, after });
    byTask.set(after.task, r);
  }
  return [...byTask.values()].sort((a, b) => b.chain.length - a.chain.length);
}

export interface Redone {
  label: string;
  runs: Attempt[];
  /** Attempts that finished writing their output, after which the task was handed out again. */
  finished: Attempt[];
  /** Attempts started while an earlier one was still working. */
  takenWhileWorking: number;
}

/**
 * Tasks whose attempts kept finishing their output, undisturbed, and were handed out again anyway:
 * the coordinator had given up on each attempt before its report arrived (a timeout shorter than a
 * healthy task), so no attempt ever counted.
 */
export function redoneAfterFinishing(record: JobRecord, list: readonly Attempt[], atLeast: number): Redone | null {
  const taken = new Map(reassignedWhileWorking(record, list).map((r) => [r.task, r.chain.length]));
  let worst: Redone | null = null;
  for (const task of new Set(list.map((a) => a.task))) {
    const runs = list.filter((a) => a.task === task);
    if (runs.some((a) => disturbance(record, a.node, a.start, a.until) !== null)) continue;
    const finished = runs.filter((a) => a.committed !== null && runs.some((b) => b.start >= (a.committed as number)));
    if (finished.length < atLeast || (worst !== null && finished.length <= worst.finished.length)) continue;
    worst = { label: (runs[0] as Attempt).label, runs, finished, takenWhileWorking: taken.get(task) ?? 0 };
  }
  return worst;
}

/** Says how a task's attempts kept finishing and being handed out again (a task timeout that is too short). */
export function describeRedone(r: Redone): string {
  const shown = r.runs.slice(0, 4).map((a) => `${a.node} at t=${ms(a.start)}`).join(", ");
  const took = r.finished.map((a) => (a.committed as number) - a.start);
  const span = Math.min(...took) === Math.max(...took) ? msSpan(took[0] as number) : `${msSpan(Math.min(...took))} to ${msSpan(Math.max(...took))}`;
  const taken = r.takenWhileWorking > 0 ? `, and ${r.takenWhileWorking} attempt(s) were started while the worker before was still working on it` : "";
  return (
    `${r.label} was started ${r.runs.length} times (${shown}${r.runs.length > 4 ? ", ..." : ""}) though none of its workers crashed or stalled: ` +
    `${r.finished.length} of those attempts finished writing their output, ${span} after they started, and the task was handed out again anyway${taken}`
  );
}

export interface Abandoned {
  last: Attempt;
  why: LifeEvent;
  restartedAt: number | null;
}

/** Tasks never finished whose last attempt's worker crashed, stalled or exited, with no attempt after it. */
export function abandoned(record: JobRecord, list: readonly Attempt[]): Abandoned[] {
  const out: Abandoned[] = [];
  const tasks = new Set(list.map((a) => a.task));
  for (const task of tasks) {
    const runs = list.filter((a) => a.task === task);
    if (runs.some((a) => a.committed !== null)) continue;
    const last = runs.at(-1) as Attempt;
    const why = disturbance(record, last.node, last.start, record.now);
    if (why === null) continue;
    const restart = record.life.find((e) => e.node === last.node && (e.kind === "restart" || e.kind === "resume") && e.at > why.at);
    out.push({ last, why, restartedAt: restart?.at ?? null });
  }
  return out;
}

export function describeAbandoned(record: JobRecord, a: Abandoned): string {
  const what = a.why.kind === "pause" ? "stalled" : a.why.kind === "exit" ? "exited" : "crashed";
  const back =
    a.why.kind === "pause"
      ? a.restartedAt === null ? " and was still stalled" : ` (until t=${ms(a.restartedAt)})`
      : a.restartedAt === null ? " for good" : ` and restarted at t=${ms(a.restartedAt)}, with nothing of it`;
  return (
    `${a.last.label} was last started by ${a.last.node} at t=${ms(a.last.start)}; ${a.last.node} ${what} at t=${ms(a.why.at)}${back}, ` +
    `and no worker started that task again in the ${msSpan(record.now - a.why.at)} that followed`
  );
}

/** Workers that restarted and then got no message at all from the coordinator, though they kept sending. */
export function ignoredAfterRestart(record: JobRecord): { node: NodeId; restartedAt: number; asked: number }[] {
  const out: { node: NodeId; restartedAt: number; asked: number }[] = [];
  for (const node of record.workers) {
    const restart = record.life.filter((e) => e.node === node && e.kind === "restart").at(-1);
    if (restart === undefined) continue;
    const asked = sendsOn(record, node, record.coordinator).filter((t) => t >= restart.at).length;
    const answered = sendsOn(record, record.coordinator, node).filter((t) => t >= restart.at).length;
    if (asked >= 2 && answered === 0) out.push({ node, restartedAt: restart.at, asked });
  }
  return out;
}

export function describeIgnored(list: { node: NodeId; restartedAt: number; asked: number }[]): string {
  const [first] = list;
  if (first === undefined) return "";
  return (
    `${list.map((w) => w.node).join(", ")} restarted (${first.node} at t=${ms(first.restartedAt)}) and from then on the coordinator sent ${list.length === 1 ? "it" : "them"} nothing, ` +
    `though ${first.node} sent it ${first.asked} message(s), so it got no work and never heard that the job was over. A restarted worker is a new instance that remembers nothing ` +
    `(any numbering of its messages starts again): the coordinator must answer it, not drop its messages as duplicates or leftovers of its earlier incarnation`
  );
}

/** Live, idle workers that sent the coordinator nothing for the last `quietMs`. */
export function silentWorkers(record: JobRecord, quietMs: number): { node: NodeId; lastSent: number }[] {
  const out: { node: NodeId; lastSent: number }[] = [];
  for (const node of record.workers) {
    if (record.life.some((e) => e.node === node && (e.kind === "exit" || e.kind === "crash" || e.kind === "pause"))) continue;
    if (record.fs.ops.some((op) => op.node === node && !op.done)) continue;
    const lastSent = sendsOn(record, node, record.coordinator).at(-1) ?? 0;
    if (record.now - lastSent >= quietMs) out.push({ node, lastSent });
  }
  return out;
}

// ---------------------------------------------------------------- files

/** Says who was writing a half-written file, and how (straight into it, or into a file renamed there). */
function describeTornWrite(fs: SharedFileSystem, path: string, writer: FsOp | null, at: number): string {
  if (writer === null) return `${path} held only part of its contents`;
  const state = writer.done && writer.end <= at ? `finished only at t=${ms(writer.end)}` : writer.done || fs.liveOp(writer) ? "was still in progress" : "never finished (its worker crashed)";
  if (writer.paths.includes(path)) {
    return `${writer.node} was writing straight into ${path} (not into a temporary file renamed into place): its write started at t=${ms(writer.start)} and ${state}`;
  }
  const moved = lastRenameTo(fs, path, at);
  const from = moved ? ` ${moved.node} had renamed ${moved.from} to ${path} at t=${ms(moved.time)}, but` : "";
  return `${from} ${writer.node}'s write of ${moved?.from ?? "that file"}, started at t=${ms(writer.start)}, ${state}`.trim();
}

function lastRenameTo(fs: SharedFileSystem, path: string, at: number): RenameRecord | undefined {
  return fs.renames.filter((r) => r.to === path && r.time <= at).at(-1);
}

/** Why `path` is not final, with who did what to it: a write straight into it, or a rename too early. */
export function explainNotFinal(fs: SharedFileSystem, path: string, at: number): string | null {
  const why = fs.notFinal(path);
  if (why === null) return null;
  const inode = fs.files.get(path);
  if (inode === undefined) {
    const writing = fs.ops.filter((op) => op.op === "write" && !op.done && fs.liveOp(op));
    const pending = writing.length === 0 ? "" : ` (meanwhile ${writing.map((op) => `${op.node} was still writing ${op.paths.slice(0, 2).join(", ")}, since t=${ms(op.start)}`).join("; ")})`;
    return `${why}${pending}`;
  }
  const writer = [...inode.writers].at(-1) ?? null;
  if (writer === null) return why;
  const moved = lastRenameTo(fs, path, at);
  if (writer.paths.includes(path)) return `${describeTornWrite(fs, path, writer, at)}, so ${path} held only a prefix of its contents`;
  if (moved) {
    const same = moved.node === writer.node;
    return (
      `${why}: ${moved.node} renamed ${moved.from} to ${path} at t=${ms(moved.time)} while ${same ? "its own" : `${writer.node}'s`} write of ${moved.from} ` +
      `(started at t=${ms(writer.start)}) was not done` +
      (same ? ": rename only once onFsDone says the write is complete" : ": two attempts wrote the same temporary file; a temporary name must be unique per attempt")
    );
  }
  return why;
}

/** Reads that saw half-written files, up to time `until`. */
export function tornReads(fs: SharedFileSystem, until: number): FsOp[] {
  return fs.ops.filter((op) => op.op === "read" && op.torn !== undefined && op.start <= until);
}

export function describeTornRead(fs: SharedFileSystem, read: FsOp): string {
  const torn = read.torn?.[0];
  if (torn === undefined) return "";
  const more = (read.torn?.length ?? 1) > 1 ? ` (and ${(read.torn?.length ?? 1) - 1} other half-written file(s))` : "";
  return `${read.node} read ${torn.path} at t=${ms(read.start)} while it held only part of its contents${more}: ${describeTornWrite(fs, torn.path, torn.writer, read.start)}`;
}

/**
 * When the reduce phase began, relative to the map tasks: the first reduce read, the map tasks whose
 * output was not yet complete then, and those that had finished twice by then.
 */
export function reduceBeforeMaps(record: JobRecord, list: readonly Attempt[]): string | null {
  const firstReduce = list.find((a) => a.kind === "reduce");
  if (firstReduce === undefined) return null;
  const r = firstReduce.start;
  const maps = [...record.inputs.keys()].map((input) => {
    const runs = list.filter((a) => a.kind === "map" && a.task === input && a.committed !== null).sort((a, b) => (a.committed as number) - (b.committed as number));
    return { input, runs };
  });
  const unfinished = maps.filter((m) => m.runs.length === 0 || (m.runs[0]?.committed as number) > r);
  if (unfinished.length === 0) return null;
  const u = unfinished[0] as (typeof unfinished)[number];
  const when = u.runs[0] ? `its output was complete only at t=${ms(u.runs[0].committed as number)}, from ${u.runs[0].node}` : "its output was never complete";
  let text =
    `${firstReduce.node} began reading for a reduce task at t=${ms(r)}, before ${unfinished.length === 1 ? "the map task" : `${unfinished.length} map tasks had finished, e.g. the map task`} of ${u.input}` +
    `${unfinished.length === 1 ? " had finished" : ""} (${when})`;
  const twice = maps.find((m) => m.runs.filter((a) => (a.committed as number) <= r).length >= 2);
  if (twice) {
    const [a, b] = twice.runs;
    text += `; by then the map task of ${twice.input} had finished twice (${a?.node} at t=${ms(a?.committed as number)} and ${b?.node} at t=${ms(b?.committed as number)}): were both of its completion reports counted?`;
  } else {
    text += `: hand out reduce tasks only once every map task is done, not merely handed out`;
  }
  return text;
}
