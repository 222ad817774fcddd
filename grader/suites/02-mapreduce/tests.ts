/**
 * Lab 2's tests. Part A: the job's output, parallelism, how often tasks run, and a clean finish.
 * Part B: crashed, paused and unreachable workers. Part C: stragglers and a job of 200 inputs on 20
 * workers, measured in virtual time against an ideal.
 */
import type { NodeId } from "../../sim/api.js";
import type { LabTest, TestContext } from "../../runner/suite.js";
import { invertedIndex, longestWord, wordCount, type Execution } from "./apps.js";
import type { Lab2, MapReduceApp } from "./interface.js";
import { attempts, disturbance, ms, msSpan, workingAt } from "./diagnose.js";
import { crash, pause, recordOf, runJob, type JobSpec, type RunningJob } from "./job.js";
import { checkCrashCost } from "./restarts.js";
import { FS_COST, type FsOp, type SharedFileSystem } from "./shared-fs.js";

/** Backup tasks must bring a job with one straggler within this factor of the same job without it. */
export const STRAGGLER_FACTOR = 2;
/** How much slower the straggler's disk is. */
export const STRAGGLER_SPEED = 0.04;
/** The scale test's job must finish within this factor of the ideal time. */
export const SCALE_FACTOR = 8;

/** Every test's network unless it says otherwise: nothing lost, 1-10 ms per message. */
const GENTLE = { latency: { kind: "uniform", minMs: 1, maxMs: 10 } } as const;
/** Slower messages, for the job whose tasks take most of a second: 5-50 ms per message. */
export const SLOW_MESSAGES = { latency: { kind: "uniform", minMs: 5, maxMs: 50 } } as const;

type Base = Omit<JobSpec, "deadline" | "scenario"> & Partial<Pick<JobSpec, "deadline" | "scenario">>;

export function job(impl: Lab2, t: TestContext, spec: Base): RunningJob {
  return runJob(impl, t, { network: GENTLE, deadline: 30_000, scenario: "no faults", ...spec });
}

/** The time span of each map or reduce batch: from the start of the read that fed it to the call. */
function spans(fs: SharedFileSystem, executions: readonly Execution[]): { node: NodeId; start: number; end: number }[] {
  const seen = new Set<string>();
  const out: { node: NodeId; start: number; end: number }[] = [];
  for (const e of executions) {
    const key = `${e.node}@${e.time}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const read = fs.ops.filter((op) => op.node === e.node && op.op === "read" && op.done && op.end <= e.time).at(-1);
    out.push({ node: e.node, start: read?.start ?? e.time, end: e.time });
  }
  return out;
}

function overlapping(list: { node: NodeId; start: number; end: number }[]): boolean {
  return list.some((a) => list.some((b) => a.node !== b.node && a.start < b.end && b.start < a.end));
}

/**
 * The most workers with a span in progress at one moment (spans open at both ends, as in
 * `overlapping`): at least 2 exactly when `overlapping` holds. Every moment worth looking at lies
 * between two consecutive span ends, so the middle of each such gap stands for it.
 */
function mostAtOnce(list: { node: NodeId; start: number; end: number }[]): number {
  const points = [...new Set(list.flatMap((s) => [s.start, s.end]))].sort((a, b) => a - b);
  let most = list.length > 0 ? 1 : 0;
  for (let i = 1; i < points.length; i++) {
    const mid = ((points[i - 1] as number) + (points[i] as number)) / 2;
    most = Math.max(most, new Set(list.filter((s) => s.start < mid && mid < s.end).map((s) => s.node)).size);
  }
  return most;
}

/** Once `when` holds for an operation that starts, `act` runs on its worker at the chosen moment (once). */
function once(when: (op: FsOp, j: RunningJob) => boolean, act: (op: FsOp, j: RunningJob) => void): JobSpec["onOp"] {
  let fired = false;
  return (op, j) => {
    if (fired || !when(op, j)) return;
    fired = true;
    act(op, j);
  };
}

/** The worker has just run map (or reduce) in this very handler: this op is that task's read or write. */
const afterMap = (op: FsOp, j: RunningJob) => j.recorder.maps.some((e) => e.node === op.node && e.time === j.sim.now);
const afterReduce = (op: FsOp, j: RunningJob) => j.recorder.reduces.some((e) => e.node === op.node && e.time === j.sim.now);
export const readsInputs = (op: FsOp, j: RunningJob) => op.op === "read" && op.paths.some((p) => j.inputs.has(p));
export const readsIntermediate = (op: FsOp, j: RunningJob) => op.op === "read" && !op.paths.some((p) => j.inputs.has(p)) && j.recorder.maps.length >= j.inputs.size;

export { crash } from "./job.js";

/**
 * Why a map task ran twice, when the record shows it: the second run began while the first worker was
 * up and still working on it (a timeout shorter than the task, or a backup with no straggler).
 */
function whyTwice(j: RunningJob, file: string): string {
  const record = recordOf(j);
  const runs = attempts(record).filter((a) => a.kind === "map" && a.task === file);
  for (const after of runs) {
    const before = runs.find((a) => a.node !== after.node && a.start < after.start && disturbance(record, a.node, a.start, after.start) === null);
    if (before === undefined) continue;
    const state = workingAt(record, before, after.start)
      ? `while ${before.node} was up and still working on it${before.committed === null ? "" : ` (it finished writing its output at t=${ms(before.committed)})`}`
      : `though ${before.node} was up and had finished writing its output at t=${ms(before.committed ?? before.until)}`;
    return (
      ` ${after.node} started it ${msSpan(after.start - before.start)} after ${before.node} had, ${state}; a healthy map task here took up to ${msSpan(longestHealthy(j))}. ` +
      `Do not give a task away before a timeout comfortably longer than a healthy task, and back up only a task running far longer than the others took`
    );
  }
  return " Run each task once unless its worker is presumed dead or is far slower than the others";
}

/** What the record shows about backups of the straggler's tasks: none at all, or how many. */
function backups(j: RunningJob, slow: NodeId): string {
  const list = attempts(recordOf(j));
  const held = list.filter((a) => a.node === slow);
  const copied = held.filter((a) => list.some((b) => b.task === a.task && b.node !== slow && b.start > a.start && b.start < a.until));
  const longest = held.reduce<(typeof held)[number] | null>((m, a) => (m === null || a.until - a.start > m.until - m.start ? a : m), null);
  if (longest === null) return "";
  const worst = `its slowest, ${longest.label}, ran from t=${ms(longest.start)} to t=${ms(longest.until)}`;
  return copied.length === 0
    ? `no task ${slow} was running was ever started on another worker as a backup (${worst}).`
    : `${copied.length} of the ${held.length} tasks ${slow} ran got a backup copy on another worker (${worst}).`;
}

/** The longest a map attempt took from its read to its complete output, over the attempts that finished. */
function longestHealthy(j: RunningJob): number {
  const done = attempts(recordOf(j)).filter((a) => a.kind === "map" && a.committed !== null);
  return Math.max(0, ...done.map((a) => (a.committed as number) - a.start));
}

/**
 * The job's ideal time: its file traffic spread perfectly over the workers, with no network delay and
 * no waiting: read every input, write and read back its map output (in a compact "key value" form),
 * write every output.
 */
export function idealTime(j: RunningJob, app: MapReduceApp, workers: number): number {
  let bytes = 0;
  for (const [file, contents] of j.inputs) {
    bytes += contents.length;
    for (const { key, value } of app.map(file, contents)) bytes += 2 * (key.length + value.length + 2);
  }
  for (const [path, inode] of j.fs.files) if (path.startsWith("mr-out-")) bytes += inode.contents.length;
  return Math.ceil(bytes / FS_COST.bytesPerMs / workers);
}

export const tests: LabTest<Lab2>[] = [
  // ---------------------------------------------------------------- Part A
  {
    id: "mr-word-count",
    part: "A",
    name: "word count: the output equals a sequential run's, for several input sets and worker counts",
    points: 10,
    run(impl, t) {
      job(impl, t, { app: wordCount, workers: 1, splits: 4, nReduce: 2 });
      job(impl, t, { app: wordCount, workers: 3, splits: 8, nReduce: 3 });
      job(impl, t, { app: wordCount, workers: 5, splits: 16, nReduce: 7, words: [20, 200] });
    },
  },
  {
    id: "mr-other-apps",
    part: "A",
    name: "an inverted index and a longest-word-per-letter job: outputs equal a sequential run's",
    points: 8,
    run(impl, t) {
      job(impl, t, { app: invertedIndex, workers: 4, splits: 12, nReduce: 5 });
      job(impl, t, { app: longestWord, workers: 3, splits: 10, nReduce: 4, words: [20, 200] });
    },
  },
  {
    id: "mr-parallelism",
    part: "A",
    name: "with 4 workers, at least two map tasks and two reduce tasks run at the same time",
    points: 8,
    run(impl, t) {
      const j = job(impl, t, { app: wordCount, workers: 4, splits: 8, nReduce: 4 });
      for (const [phase, list] of [["map", j.recorder.maps], ["reduce", j.recorder.reduces]] as const) {
        t.measure(`most ${phase} tasks running at once`, mostAtOnce(spans(j.fs, list)), { atLeast: 2, unit: "tasks" });
        if (!overlapping(spans(j.fs, list))) {
          t.fail(
            `no two ${phase} tasks ever ran at the same time on 4 idle workers (word count, 8 inputs, 4 reduce tasks): ` +
              `hand out a task to every worker that asks, without waiting for the previous task to finish`,
          );
        }
      }
    },
  },
  {
    id: "mr-job-count",
    part: "A",
    name: "with no failures and no slow workers, every map task runs exactly once, also when tasks take most of a second",
    points: 6,
    handout: { section: "Part A: the job (40 points)", states: ["each map task runs exactly once", "take most of a second", "5–50 ms"] },
    run(impl, t) {
      const check = (j: RunningJob, what: string, figure: string) => {
        // A finished job ran every map task at least once: the most runs of one is what can break the rule.
        t.measure(`most runs of one map task (${figure})`, Math.max(...[...j.inputs.keys()].map((file) => j.recorder.maps.filter((e) => e.what === file).length)), { atMost: 1, unit: "runs" });
        for (const file of j.inputs.keys()) {
          const runs = j.recorder.maps.filter((e) => e.what === file);
          if (runs.length !== 1) {
            t.fail(
              `with no failures and no slow workers (${what}), the map task of ${file} ran ${runs.length} times (${runs.map((e) => `${e.node} at t=${ms(e.time)}`).join(", ")}).` +
                whyTwice(j, file),
              { time: runs[1]?.time ?? j.sim.now },
            );
          }
        }
      };
      check(job(impl, t, { app: wordCount, workers: 4, splits: 12, nReduce: 4 }), "word count, 12 inputs, 4 workers", "12 small inputs");
      // Big inputs and slower messages: every map task takes most of a second, well inside the
      // handout's "about 1 s", so only a task timeout shorter than a healthy task gives one away.
      check(
        job(impl, t, { app: invertedIndex, workers: 3, splits: 6, nReduce: 3, words: [4000, 5000], network: SLOW_MESSAGES, scenario: "big inputs (tasks take most of a second), messages 5-50 ms" }),
        "inverted index, 6 big inputs, 3 workers, messages 5-50 ms",
        "6 big inputs",
      );
    },
  },
  {
    id: "mr-early-exit",
    part: "A",
    name: "no output changes after the coordinator reports done, and every worker exits",
    points: 8,
    run(impl, t) {
      // A slow worker is likely still busy when the job finishes: its late work must not touch the outputs.
      job(impl, t, { app: wordCount, workers: 4, splits: 12, nReduce: 4, speeds: { w4: 0.25 }, scenario: "w4 four times slower than the others" });
      job(impl, t, { app: invertedIndex, workers: 6, splits: 6, nReduce: 6, speeds: { w1: 0.3, w2: 0.3 }, scenario: "w1 and w2 three times slower than the others" });
    },
  },

  // ---------------------------------------------------------------- Part B
  {
    id: "mr-crash-map",
    part: "B",
    name: "workers crash in the middle of map tasks (for good or restarting; twice on one task): the job still finishes correctly",
    points: 7,
    run(impl, t) {
      const victim = `w${1 + (t.seed % 3)}`;
      job(impl, t, {
        app: wordCount, workers: 3, splits: 12, nReduce: 3,
        scenario: `${victim} crashed for good while reading its first input`,
        onOp: once((op, j) => op.node === victim && readsInputs(op, j), (op, j) => crash(j, op.node, op.start + 1)),
      });
      let crashes = 0;
      job(impl, t, {
        app: invertedIndex, workers: 4, splits: 16, nReduce: 4,
        scenario: "two workers crashed while writing map output, one restarting 300ms later",
        onOp: (op, j) => {
          if (op.op !== "write" || !afterMap(op, j) || crashes >= 2 || op.node === "w4") return;
          if (j.recorder.maps.filter((e) => e.node === op.node).length < 2) return;
          crashes++;
          crash(j, op.node, op.start + 1, crashes === 1 ? 300 : undefined);
        },
      });
      // Only a timeout can save this task: both workers that take it crash and never come back.
      const unlucky = `input-00${t.seed % 8}.txt`;
      let takers = 0;
      job(impl, t, {
        app: wordCount, workers: 4, splits: 8, nReduce: 2,
        scenario: `the first two workers to take the map task of ${unlucky} crashed for good while reading it`,
        onOp: (op, j) => {
          if (takers >= 2 || op.op !== "read" || !op.paths.includes(unlucky)) return;
          takers++;
          crash(j, op.node, op.start + 1);
        },
      });
    },
  },
  {
    id: "mr-crash-reduce",
    part: "B",
    name: "a worker crashes in the middle of a reduce task: the task is redone, and reduce tasks already committed are not",
    points: 7,
    run(impl, t) {
      let crashedAt = -1;
      const victim = `w${1 + (t.seed % 3)}`;
      const j = job(impl, t, {
        app: wordCount, workers: 3, splits: 9, nReduce: 9,
        scenario: `${victim} crashed while reading for its second reduce task, restarting 30ms later`,
        onOp: once(
          (op, jj) => op.node === victim && readsIntermediate(op, jj) && jj.fs.renames.some((r) => r.node === victim && r.to.startsWith("mr-out-")),
          (op, jj) => {
            crashedAt = op.start + 1;
            crash(jj, op.node, crashedAt, 30);
          },
        ),
      });
      if (crashedAt < 0) return;
      const committed = j.fs.renames.filter((r) => r.to.startsWith("mr-out-") && r.time < crashedAt);
      const redone = committed.filter((before) => j.fs.renames.some((r) => r.to === before.to && r.time > crashedAt)).length;
      t.measure("reduce outputs committed before the crash and committed again after it", redone, { atMost: 0, unit: "outputs" });
      for (const before of committed) {
        const again = j.fs.renames.find((r) => r.to === before.to && r.time > crashedAt);
        if (again) {
          t.fail(
            `${before.to} was committed by ${before.node} at t=${before.time}ms, yet after ${victim} crashed at t=${crashedAt}ms it was computed and committed again by ${again.node} at t=${again.time}ms: ` +
              `a finished reduce task's output is in the shared file system and survives its worker; redo only unfinished tasks`,
            { time: again.time, node: again.node },
          );
        }
      }
    },
  },
  {
    id: "mr-crash-write",
    part: "B",
    name: "workers crash halfway through writing map and reduce output: partial files never become output",
    points: 7,
    run(impl, t) {
      for (const [phase, test] of [["map", afterMap], ["reduce", afterReduce]] as const) {
        const victim = `w${1 + ((t.seed + (phase === "map" ? 0 : 1)) % 3)}`;
        job(impl, t, {
          app: phase === "map" ? invertedIndex : wordCount, workers: 3, splits: 9, nReduce: 3,
          scenario: `${victim} crashed halfway through writing ${phase} output`,
          onOp: once((op, j) => op.op === "write" && op.node === victim && test(op, j), (op, j) => crash(j, op.node, Math.floor((op.start + op.end) / 2))),
        });
      }
    },
  },
  {
    id: "mr-paused-worker",
    part: "B",
    name: "a worker pauses mid-task, its task is given to another, and it comes back late: its late result corrupts nothing",
    points: 7,
    run(impl, t) {
      // Paused during the map phase, back while other map tasks are still running (the map phase
      // lasts over 3 s). Sized so that no healthy task on these slow disks takes longer than the
      // handout's "about 1 s" (the reference's longest is about 0.85 s).
      const slow = { w1: 0.2, w2: 0.2, w3: 0.2 };
      job(impl, t, {
        app: wordCount, workers: 3, splits: 45, nReduce: 24, speeds: slow,
        scenario: "w2 paused for 2500ms while writing its first map output",
        onOp: once((op, j) => op.node === "w2" && op.op === "write" && afterMap(op, j), (_op, j) => pause(j, "w2", 2500)),
      });
      // Paused just before writing a reduce output, back after the job is done.
      job(impl, t, {
        app: invertedIndex, workers: 3, splits: 6, nReduce: 6,
        scenario: "w1 paused for 5000ms as it read for a reduce task",
        onOp: once((op, j) => op.node === "w1" && readsIntermediate(op, j), (_op, j) => pause(j, "w1", 5000)),
      });
    },
  },
  {
    id: "mr-restarts",
    part: "B",
    name: "a lone worker crashes and restarts at once, mid-task or with the answer to its old incarnation still in flight: each crash costs the job at most 1 s",
    points: 6,
    handout: {
      section: "Part B: fault tolerance (42 points)",
      states: ["restart 30–400 ms later", "give the task the worker lost to someone", "at most 1 s over the same job without crashes", "40–80 ms"],
    },
    run(impl, t) {
      // A lone worker loses its map task in a crash: only noticing the restart gets the task going again.
      const lone = { app: wordCount, workers: 1, splits: 6, nReduce: 2 };
      const loneBase = job(impl, t, lone);
      const j1 = job(impl, t, {
        ...lone,
        scenario: "w1 crashed while reading its third input, restarting 30ms later",
        onOp: once((op, j) => op.node === "w1" && readsInputs(op, j) && j.recorder.maps.length >= 2, (op, j) => crash(j, op.node, op.start + 1, 30)),
      });
      checkCrashCost(t, loneBase, j1, "word count, 6 inputs, 1 worker, w1 crashed mid-map and restarted 30ms later", "lone worker crashed mid-map");
      // The lone worker crashes just after its first ask and is back 30 ms later; with messages taking
      // 40-80 ms, the answer to its old incarnation's ask reaches the new one. (Alone, it has no one
      // to back up a task it was given but never ran.)
      const slow = { app: wordCount, workers: 1, splits: 6, nReduce: 2, network: { latency: { kind: "uniform", minMs: 40, maxMs: 80 } } } as const;
      const base = job(impl, t, { ...slow, scenario: "messages 40-80 ms" });
      const j2 = job(impl, t, { ...slow, scenario: "messages 40-80 ms, w1 crashed 1ms after starting and restarted 30ms later", atStart: (j) => crash(j, "w1", 1, 30) });
      checkCrashCost(t, base, j2, "word count, 6 inputs, 1 worker, messages 40-80 ms, w1 crashed just after its first ask and restarted 30ms later", "lone worker crashed after its first ask");
    },
  },
  {
    id: "mr-lost-rpcs",
    part: "B",
    name: "20% of messages lost and 10% duplicated, latency 1-40 ms: the job finishes correctly",
    points: 8,
    run(impl, t) {
      const network = { loss: 0.2, duplicate: 0.1, latency: { kind: "uniform", minMs: 1, maxMs: 40 } } as const;
      job(impl, t, { app: wordCount, workers: 4, splits: 16, nReduce: 4, network, scenario: "a lossy network" });
      job(impl, t, { app: invertedIndex, workers: 3, splits: 8, nReduce: 5, network, scenario: "a lossy network" });
    },
  },

  // ---------------------------------------------------------------- Part C
  {
    id: "mr-stragglers",
    part: "C",
    name: `a worker ${1 / STRAGGLER_SPEED} times slower than the rest: backup tasks keep the job within ${STRAGGLER_FACTOR}x of its time without it`,
    points: 10,
    run(impl, t) {
      const spec = { app: wordCount, workers: 5, splits: 30, nReduce: 5 };
      const base = job(impl, t, spec);
      const slow = `w${1 + (t.seed % 5)}`;
      const s = job(impl, t, { ...spec, speeds: { [slow]: STRAGGLER_SPEED }, scenario: `${slow} ${1 / STRAGGLER_SPEED} times slower` });
      const t0 = base.doneAt as number;
      const t1 = s.doneAt as number;
      const summary = `done at t=${t1}ms with ${slow} ${1 / STRAGGLER_SPEED} times slower, t=${t0}ms without (${(t1 / t0).toFixed(2)}x; the bound is ${STRAGGLER_FACTOR}x)`;
      t.measure("job time with a straggler over the time without", t1 / t0, { atMost: STRAGGLER_FACTOR, unit: "x" });
      if (t1 > STRAGGLER_FACTOR * t0) {
        t.fail(`${summary}: ${backups(s, slow)} Near the end of each phase, give idle workers a backup copy of a task that is running far longer than the others, and take whichever copy finishes first`, { time: t1 });
      }
      s.sim.note(`stragglers (passed): ${summary}`);
    },
  },
  {
    id: "mr-scale",
    part: "C",
    name: `20 workers, 200 inputs: the job finishes within ${SCALE_FACTOR}x of the ideal time`,
    points: 8,
    seeds: 3,
    run(impl, t) {
      const j = job(impl, t, { app: wordCount, workers: 20, splits: 200, nReduce: 20 });
      const ideal = idealTime(j, wordCount, 20);
      const done = j.doneAt as number;
      const summary = `200 inputs, 20 reduce tasks, 20 workers: done at t=${done}ms, ideal ${ideal}ms (${(done / ideal).toFixed(2)}x; the bound is ${SCALE_FACTOR}x)`;
      t.measure("job time over the ideal time", done / ideal, { atMost: SCALE_FACTOR, unit: "x" });
      if (done > SCALE_FACTOR * ideal) {
        t.fail(`${summary}: keep every worker busy (answer asks at once, hand out work to every idle worker, keep waits short)`, { time: done });
      }
      j.sim.note(`scale (passed): ${summary}`);
    },
  },
];
