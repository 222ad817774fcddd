/**
 * Runs one MapReduce job on the learner's coordinator and workers, over the simulated shared file
 * system, and checks it as it goes: when the coordinator reports done, every output file must be
 * final and the outputs together must equal the sequential reference; after that, no output may
 * change, up to the end of the run (the deadline); and by then every worker must have exited.
 */
import type { NodeContext, NodeId } from "../../sim/api.js";
import { HandlerError } from "../../sim/errors.js";
import type { FaultSchedule } from "../../sim/faults.js";
import type { NetworkConditions } from "../../sim/network.js";
import type { Simulation } from "../../sim/simulation.js";
import type { TestContext } from "../../runner/suite.js";
import { ExecutionRecorder, makeInputs, sequentialOutput } from "./apps.js";
import {
  abandoned,
  attempts,
  describeAbandoned,
  describeIgnored,
  describeRedone,
  describeTornRead,
  explainNotFinal,
  ignoredAfterRestart,
  ms,
  msSpan,
  redoneAfterFinishing,
  reduceBeforeMaps,
  sendsOn,
  silentWorkers,
  tornReads,
  type JobRecord,
  type LifeEvent,
} from "./diagnose.js";
import { outputFile, type Lab2, type MapReduceApp, type WorkerNode } from "./interface.js";
import { SharedFileSystem, type FsOp } from "./shared-fs.js";

export const COORDINATOR = "coordinator";

export interface JobSpec {
  app: MapReduceApp;
  workers: number;
  splits: number;
  nReduce: number;
  /** Words per input file. */
  words?: [number, number];
  network?: Partial<NetworkConditions>;
  faults?: FaultSchedule;
  /** Per-worker file system speed (0.05 = twenty times slower). */
  speeds?: Record<NodeId, number>;
  /** The coordinator must report done by this virtual time; the run goes on until then regardless. */
  deadline: number;
  /** Called as every read or write starts (to crash or pause a worker at a chosen moment). */
  onOp?: (op: FsOp, job: RunningJob) => void;
  /** Called once before the run starts (to schedule a crash at a chosen time). */
  atStart?: (job: RunningJob) => void;
  /** Describes the scenario in failure messages ("with w2 crashed while writing"). */
  scenario: string;
}

export interface RunningJob {
  sim: Simulation;
  fs: SharedFileSystem;
  recorder: ExecutionRecorder;
  inputs: Map<string, string>;
  workers: NodeId[];
  /** When the coordinator reported done (null if it never did). */
  doneAt: number | null;
  /** Crashes, restarts, pauses and exits of workers, in order (crash and pause through the helpers below). */
  life: LifeEvent[];
  /** Send times per directed link (`from>to`), for messages that say who stopped answering whom. */
  sends: Map<string, number[]>;
}

/** Crashes `node` at `at` (restarting it `restartAfter` ms later, if given), and records both. */
export function crash(j: RunningJob, node: NodeId, at: number, restartAfter?: number): void {
  j.sim.at(at, `crash ${node}`, () => {
    if (!j.sim.isUp(node)) return;
    j.sim.crash(node);
    j.life.push({ node, kind: "crash", at: j.sim.now });
  });
  if (restartAfter !== undefined) {
    j.sim.at(at + restartAfter, `restart ${node}`, () => {
      if (j.sim.isUp(node)) return;
      j.life.push({ node, kind: "restart", at: j.sim.now });
      j.sim.restart(node);
    });
  }
}

/** Pauses `node` now for `forMs` (it resumes by itself), and records both. */
export function pause(j: RunningJob, node: NodeId, forMs: number): void {
  if (!j.sim.isUp(node)) return;
  j.sim.pause(node, forMs);
  j.life.push({ node, kind: "pause", at: j.sim.now });
  j.sim.at(j.sim.now + forMs, `the grader notes ${node} resumed`, () => j.life.push({ node, kind: "resume", at: j.sim.now }));
}

/** The job's record as the diagnoses read it. */
export function recordOf(j: RunningJob): JobRecord {
  return { fs: j.fs, inputs: j.inputs, workers: j.workers, life: j.life, sends: j.sends, coordinator: COORDINATOR, now: j.sim.now };
}

export function workerNames(n: number): NodeId[] {
  return Array.from({ length: n }, (_, i) => `w${i + 1}`);
}

export function runJob(impl: Lab2, t: TestContext, spec: JobSpec): RunningJob {
  const sim = t.simulation(spec.network ? { network: spec.network } : {});
  const fs = new SharedFileSystem(sim);
  const recorder = new ExecutionRecorder(() => sim.now);
  const [minWords, maxWords] = spec.words ?? [60, 90];
  const inputs = makeInputs(sim.stream("inputs"), spec.splits, minWords, maxWords);
  for (const [name, contents] of inputs) fs.put(name, contents);
  const workers = workerNames(spec.workers);
  for (const [node, speed] of Object.entries(spec.speeds ?? {})) fs.setSpeed(node, speed);
  const job: RunningJob = { sim, fs, recorder, inputs, workers, doneAt: null, life: [], sends: new Map() };
  // Watches every send (deciding nothing), so that messages can say who stopped talking to whom.
  sim.intercept((m) => {
    const key = `${m.from}>${m.to}`;
    const list = job.sends.get(key);
    if (list) list.push(sim.now);
    else job.sends.set(key, [sim.now]);
    return undefined;
  });
  const expected = sequentialOutput(spec.app, inputs);
  const what = `${spec.app.name}, ${spec.splits} inputs, ${spec.nReduce} reduce task${spec.nReduce === 1 ? "" : "s"}, ${spec.workers} worker${spec.workers === 1 ? "" : "s"}, ${spec.scenario}`;
  const exited = new Set<NodeId>();
  let snapshot: Map<string, string> | null = null;

  sim.addNode(COORDINATOR, (ctx: NodeContext) =>
    impl.createCoordinator(ctx, {
      inputs: [...inputs.keys()],
      nReduce: spec.nReduce,
      workers: [...workers],
      done: () => {
        if (job.doneAt !== null) return;
        job.doneAt = sim.now;
        snapshot = checkOutputs(t, job, expected, spec.nReduce, `the coordinator reported done at t=${sim.now}ms (${what})`);
      },
    }),
  );
  for (const id of workers) {
    sim.addNode(id, (ctx: NodeContext) => {
      let worker: WorkerNode | null = null;
      const handle = fs.handleFor(id, () => worker);
      worker = impl.createWorker(ctx, handle, recorder.appFor(spec.app, id), {
        coordinator: COORDINATOR,
        exit: () => {
          if (job.doneAt === null) {
            t.fail(`${id} called exit() at t=${sim.now}ms, before the coordinator reported the job done: a worker exits only when the coordinator says the job is over`, { node: id });
          }
          if (exited.has(id)) return;
          exited.add(id);
          job.life.push({ node: id, kind: "exit", at: sim.now });
          sim.at(sim.now, `${id} exits`, () => sim.crash(id));
        },
      });
      return worker;
    });
  }

  sim.afterEachStep(() => {
    if (snapshot === null) return;
    for (const [path, contents] of snapshot) {
      const why = explainNotFinal(fs, path, sim.now);
      const now = fs.files.get(path)?.contents;
      if (why !== null || now !== contents) {
        t.fail(
          `${path} changed at t=${sim.now}ms, after the coordinator reported done at t=${job.doneAt}ms (${what}): ${why ?? "its contents are different"}. ` +
            `Once done is reported no output may change: commit outputs by writing a temporary file and renaming it, so a late or duplicate task can only put identical, complete contents in place`,
        );
      }
    }
  });
  if (spec.onOp) fs.onOp((op) => spec.onOp?.(op, job));
  if (spec.faults) sim.scheduleFaults(spec.faults);
  spec.atStart?.(job);
  try {
    sim.start();
    sim.run(spec.deadline);
  } catch (error) {
    throw blameTornRead(error, job);
  }
  // The run's deadline, as a margin: when done was reported (a job that never reported done has no
  // such time, and fails below with its own message).
  if (job.doneAt !== null) t.measure("time until the coordinator reports done", job.doneAt, { atMost: spec.deadline, unit: "ms" });
  if (job.doneAt === null) {
    const committed = Array.from({ length: spec.nReduce }, (_, r) => outputFile(r)).filter((p) => fs.notFinal(p) === null).length;
    t.fail(`the coordinator did not report done by t=${ms(spec.deadline)} (${what}); ${committed} of ${spec.nReduce} output files were final by then. ${whyNotDone(job)}`);
  }
  const running = workers.filter((w) => sim.isUp(w) && !exited.has(w));
  // Every worker up must have exited by the end of the run: the last exit, against that deadline
  // (measured only when all did; a worker still running fails below, and has no exit time).
  const exits = job.life.filter((e) => e.kind === "exit").map((e) => e.at);
  if (running.length === 0 && exits.length > 0) t.measure("time the last worker exited", Math.max(...exits), { atMost: spec.deadline, unit: "ms" });
  if (running.length > 0) {
    t.fail(`${running.join(", ")} still running at t=${ms(sim.now)}, the end of the run, though the coordinator reported done at t=${ms(job.doneAt as number)} (${what}): ${whyNotExited(job, running)}`);
  }
  return job;
}

/** What the record shows about a job that never finished, most specific cause first. */
function whyNotDone(j: RunningJob): string {
  const record = recordOf(j);
  const list = attempts(record);
  const ignored = ignoredAfterRestart(record);
  if (ignored.length > 0) return `${describeIgnored(ignored)}.`;
  const left = abandoned(record, list);
  if (left[0]) {
    return `${describeAbandoned(record, left[0])}${left.length > 1 ? ` (${left.length - 1} other task(s) likewise)` : ""}. A crashed or stalled worker never finishes its task: give the task to another worker after a timeout`;
  }
  const redone = redoneAfterFinishing(record, list, 3);
  if (redone) {
    return (
      `${describeRedone(redone)}. The coordinator gave up on every attempt before its report could arrive, so none counted: its task timeout is shorter ` +
      `than a healthy task here (tasks in these tests take up to about 1 s, and messages up to 50 ms each way). Make the timeout comfortably longer than that`
    );
  }
  const silent = silentWorkers(record, 5000);
  if (silent[0]) {
    const s = silent[0];
    return (
      `${silent.map((w) => w.node).join(", ")} fell silent: ${s.node} last sent the coordinator a message at t=${ms(s.lastSent)} and nothing in the ${msSpan(record.now - s.lastSent)} after, ` +
      `though it was up, not busy with the file system, and never told to exit. Messages get lost: a worker that hears nothing back must ask again after a few hundred ms ` +
      `(and the coordinator must answer a repeated ask the way it answered the first)`
    );
  }
  return `A crashed, paused or slow worker never finishes its task: give the task to another worker after a timeout, and make workers and coordinator retry lost messages`;
}

/** Why workers were still running at the end: the coordinator stopped answering, or they did not listen. */
function whyNotExited(j: RunningJob, running: NodeId[]): string {
  const record = recordOf(j);
  const done = j.doneAt as number;
  const ignored = ignoredAfterRestart(record).filter((w) => running.includes(w.node));
  if (ignored.length > 0) return describeIgnored(ignored);
  const node = running[0] as NodeId;
  const asked = sendsOn(record, node, COORDINATOR).filter((t) => t >= done).length;
  const answered = sendsOn(record, COORDINATOR, node).filter((t) => t >= done).length;
  if (answered > 0) {
    return (
      `after done, the coordinator sent ${node} ${answered} message(s) (answers to its ${asked} ask(s)), and ${node} never called job.exit(): ` +
      `a worker must call job.exit() once the coordinator tells it the job is over`
    );
  }
  if (asked > 0) {
    return (
      `after done, ${node} sent the coordinator ${asked} message(s) and the coordinator answered none: after done() the coordinator must keep answering, ` +
      `and tell every worker that asks to exit`
    );
  }
  return (
    `${node} and the coordinator exchanged no message after done: ${node} was waiting for an answer that never came. A worker that hears nothing back must ask again, ` +
    `and after done() the coordinator tells every worker that asks to exit`
  );
}

/**
 * An exception in a worker's handling of a read that saw a half-written file is a consequence of the
 * write that tore it: say so, and whose write it was, keeping the learner's own exception and line.
 */
function blameTornRead(error: unknown, j: RunningJob): unknown {
  if (!(error instanceof HandlerError) || error.node === undefined || !j.workers.includes(error.node)) return error;
  const read = j.fs.ops.find((op) => op.node === error.node && op.op === "read" && op.done && op.end === error.time && op.torn !== undefined);
  if (read === undefined) return error;
  return new HandlerError(
    `${error.message}. But the read it was handling saw a half-written file: ${describeTornRead(j.fs, read)}. ` +
      `A reader sees whatever prefix is there: write output to a temporary file and rename it into place once the write is done, so readers only ever see complete files`,
    { time: error.time as number, node: error.node },
    { cause: error.cause },
  );
}

/** Checks the outputs against the sequential reference; returns their contents for the no-change check. */
function checkOutputs(t: TestContext, j: RunningJob, expected: Map<string, string>, nReduce: number, when: string): Map<string, string> {
  const fs = j.fs;
  const snapshot = new Map<string, string>();
  const seen = new Map<string, string>();
  // Why an output is wrong, if the record shows it: a torn read, or reduce tasks that started too soon.
  const cause = (fallback: string): string => {
    const torn = tornReads(fs, j.sim.now)[0];
    if (torn) return `${describeTornRead(fs, torn)}. A reader sees whatever prefix is there: write to a temporary file and rename it into place once the write is done`;
    return reduceBeforeMaps(recordOf(j), attempts(recordOf(j))) ?? fallback;
  };
  for (let r = 0; r < nReduce; r++) {
    const path = outputFile(r);
    const why = explainNotFinal(fs, path, j.sim.now);
    if (why !== null) t.fail(`${when}, but output file ${path} is not final: ${why}. Report done only after every reduce task has committed its output`);
    const contents = fs.files.get(path)?.contents as string;
    snapshot.set(path, contents);
    for (const line of contents.split("\n")) {
      if (line === "") continue;
      const space = line.indexOf(" ");
      if (space <= 0) t.fail(`${when}, but ${path} has a line that is not "key value": ${JSON.stringify(line.slice(0, 80))}${tornReads(fs, j.sim.now).length > 0 ? `. ${cause("")}` : ""}`);
      const key = line.slice(0, space);
      const value = line.slice(space + 1);
      const other = seen.get(key);
      if (other !== undefined) {
        t.fail(`${when}, but key ${JSON.stringify(key)} appears twice (in ${other} and ${path}): every map task must send a key to the same reduce task (partition by a hash of the key, mod nReduce), and each reduce task must output a key once`);
      }
      seen.set(key, path);
      const want = expected.get(key);
      if (want === undefined) t.fail(`${when}, but ${path} has key ${JSON.stringify(key)}, which the inputs do not produce${tornReads(fs, j.sim.now).length > 0 ? `. ${cause("")}` : ""}`);
      if (want !== value) {
        t.fail(
          `${when}, but ${path} says ${JSON.stringify(key)} -> ${JSON.stringify(value)} where a sequential run gives ${JSON.stringify(want)}: ` +
            cause(`a reduce task must see every value of its keys, from every map task (were all map outputs complete before reduce tasks started?)`),
        );
      }
    }
  }
  const missing = [...expected.keys()].filter((k) => !seen.has(k));
  if (missing.length > 0) {
    t.fail(
      `${when}, but ${missing.length} of ${expected.size} keys are missing from the outputs, e.g. ${JSON.stringify(missing[0])}: ` +
        cause(`every map task's output must reach the reduce tasks (were all map tasks finished before reduce tasks started?)`),
    );
  }
  return snapshot;
}
