/**
 * Lab 2's instructor-only tests (graded on top of the practice suite; learners never see them).
 * The same contract, checked where the practice suite does not look: a network that duplicates and
 * reorders heavily (no task may run twice when no worker is slow or down), a storm of worker
 * crashes and restarts in the middle of tasks, each of which may cost the job at most the handout's
 * 1 s, and several stragglers at once on a larger cluster, with a bound on wasted work. Each test
 * names the handout section that states what it enforces (the repo's tests check the wording).
 */
import type { NodeId } from "../../grader/sim/api.js";
import { Random } from "../../grader/sim/random.js";
import type { LabTest } from "../../grader/runner/suite.js";
import { invertedIndex, wordCount, type Execution } from "../../grader/suites/02-mapreduce/apps.js";
import type { Lab2 } from "../../grader/suites/02-mapreduce/interface.js";
import type { RunningJob } from "../../grader/suites/02-mapreduce/job.js";
import { CRASH_COST_MS, checkCrashCost } from "../../grader/suites/02-mapreduce/restarts.js";
import type { FsOp } from "../../grader/suites/02-mapreduce/shared-fs.js";
import { crash, job, readsInputs, readsIntermediate, STRAGGLER_SPEED } from "../../grader/suites/02-mapreduce/tests.js";

/** With several stragglers, the job must finish within this factor of its time without them. */
export const MANY_STRAGGLERS_FACTOR = 2.5;
/** With several stragglers, map tasks may run at most this many times in all, per input (one backup for a few). */
export const MAX_MAP_RUNS_PER_INPUT = 1.25;

/** The first task one worker ran twice (map per input file, reduce per key). */
function sameWorkerTwice(list: readonly Execution[]): { what: string; node: NodeId; runs: Execution[] } | null {
  const byWhat = new Map<string, Execution[]>();
  for (const e of list) {
    const key = `${e.node} ${e.what}`;
    const runs = byWhat.get(key) ?? [];
    runs.push(e);
    byWhat.set(key, runs);
  }
  for (const runs of byWhat.values()) if (runs.length > 1) return { what: (runs[0] as Execution).what, node: (runs[0] as Execution).node, runs };
  return null;
}

/** The most times one worker ran one task: more than 1 exactly when `sameWorkerTwice` finds one. */
function mostRunsByOneWorker(list: readonly Execution[]): number {
  const counts = new Map<string, number>();
  for (const e of list) counts.set(`${e.node} ${e.what}`, (counts.get(`${e.node} ${e.what}`) ?? 0) + 1);
  return Math.max(0, ...counts.values());
}

export const instructorTests: LabTest<Lab2>[] = [
  {
    id: "mr-duplicating-network-no-repeats",
    part: "B",
    name: "30% of messages duplicated, 5% lost, latency 1-80 ms (reordering), no failed workers: no worker runs the same task twice",
    points: 6,
    seeds: 4,
    handout: { section: "What the tests check", states: ["no worker runs the same task twice", "up to 30% duplication", "latencies up to 80 ms"] },
    run(impl, t) {
      const network = { loss: 0.05, duplicate: 0.3, latency: { kind: "uniform", minMs: 1, maxMs: 80 } } as const;
      for (const [app, workers, splits, nReduce] of [
        [wordCount, 8, 40, 8],
        [invertedIndex, 5, 20, 5],
      ] as const) {
        const j = job(impl, t, { app, workers, splits, nReduce, network, scenario: "a duplicating, reordering network" });
        for (const [phase, list] of [["map", j.recorder.maps], ["reduce", j.recorder.reduces]] as const) {
          t.measure(`most runs of one ${phase} task by one worker`, mostRunsByOneWorker(list), { atMost: 1, unit: "runs" });
          const twice = sameWorkerTwice(list);
          if (twice === null) continue;
          const task = phase === "map" ? `the map task of ${twice.what}` : `the reduce task holding key ${JSON.stringify(twice.what)}`;
          t.fail(
            `${twice.node} ran ${task} ${twice.runs.length} times (at ${twice.runs.map((e) => `t=${e.time}ms`).join(", ")}), though it never crashed, on a network that duplicates and reorders messages ` +
              `(${app.name}, ${splits} inputs, ${workers} workers). A duplicated or late reply to an earlier request must not hand a worker its old task again: ` +
              `match each reply to the request it answers and drop the others`,
            { time: twice.runs[1]?.time ?? j.sim.now, node: twice.node },
          );
        }
      }
    },
  },
  {
    id: "mr-crash-storm",
    part: "B",
    name: `a storm of 12 crashes mid-task on 8 workers, and a lone worker crashing twice mid-reduce, each restarting soon after: correct output, each crash costing at most ${CRASH_COST_MS / 1000} s`,
    points: 7,
    seeds: 4,
    handout: {
      section: "Part B: fault tolerance (42 points)",
      states: ["restart 30–400 ms later", "give the task the worker lost to someone", "at most 1 s over the same job without crashes"],
    },
    run(impl, t) {
      const rng = new Random(t.seed, "stream:storm");
      const storm = (workers: number, splits: number, nReduce: number, maxCrashes: number, figure: string, when: (op: FsOp, j: RunningJob) => boolean) => {
        const base = job(impl, t, { app: wordCount, workers, splits, nReduce });
        const crashes: { node: NodeId; at: number }[] = [];
        const down = new Set<NodeId>();
        const j = job(impl, t, {
          app: wordCount,
          workers,
          splits,
          nReduce,
          scenario: `up to ${maxCrashes} crashes of workers in the middle of tasks, each restarting 100-400ms later`,
          onOp: (op, jj) => {
            if (crashes.length >= maxCrashes || down.has(op.node) || !when(op, jj)) return;
            const at = op.start + 1;
            const restartAfter = 100 + rng.int(300);
            crashes.push({ node: op.node, at });
            down.add(op.node);
            crash(jj, op.node, at, restartAfter);
            jj.sim.at(at + restartAfter, `the grader notes ${op.node} is back`, () => down.delete(op.node));
          },
        });
        const summary =
          `word count, ${splits} inputs, ${nReduce} reduce task${nReduce === 1 ? "" : "s"}, ${workers} worker${workers === 1 ? "" : "s"}, ` +
          `${crashes.length} crashes mid-task (${crashes.map((c) => `${c.node} at t=${c.at}ms`).join(", ")})`;
        checkCrashCost(t, base, j, summary, figure);
      };
      storm(8, 40, 8, 12, "storm on 8 workers", (op, j) => (readsInputs(op, j) || readsIntermediate(op, j)) && rng.chance(0.3));
      // Only one worker and one reduce task: nothing else to do while a lost task waits.
      storm(1, 8, 1, 2, "lone worker crashing mid-reduce", readsIntermediate);
    },
  },
  {
    id: "mr-many-stragglers",
    part: "C",
    name: `4 of 12 workers ${1 / STRAGGLER_SPEED} times slower: within ${MANY_STRAGGLERS_FACTOR}x of the job's time without them, without running tasks over and over`,
    points: 7,
    seeds: 4,
    handout: {
      section: "Part C: stragglers and scale (18 points)",
      states: ["a third of the workers 25 times slower", `within ${MANY_STRAGGLERS_FACTOR}x`, `at most ${MAX_MAP_RUNS_PER_INPUT} map runs per input`],
    },
    run(impl, t) {
      const spec = { app: wordCount, workers: 12, splits: 48, nReduce: 12 };
      const base = job(impl, t, spec);
      const rng = new Random(t.seed, "stream:stragglers");
      const slow = new Set<NodeId>();
      while (slow.size < 4) slow.add(`w${1 + rng.int(12)}`);
      const speeds = Object.fromEntries([...slow].map((w) => [w, STRAGGLER_SPEED]));
      const s = job(impl, t, { ...spec, speeds, scenario: `${[...slow].join(", ")} ${1 / STRAGGLER_SPEED} times slower` });
      const t0 = base.doneAt as number;
      const t1 = s.doneAt as number;
      const runs = s.recorder.maps.filter((e) => e.time <= t1).length;
      const summary = `done at t=${t1}ms with ${[...slow].join(", ")} ${1 / STRAGGLER_SPEED} times slower, t=${t0}ms without (${(t1 / t0).toFixed(2)}x; the bound is ${MANY_STRAGGLERS_FACTOR}x); ${runs} map runs for 48 inputs`;
      t.measure("job time with 4 stragglers over the time without", t1 / t0, { atMost: MANY_STRAGGLERS_FACTOR, unit: "x" });
      t.measure("map runs for 48 inputs", runs, { atMost: Math.floor(MAX_MAP_RUNS_PER_INPUT * spec.splits), unit: "runs" });
      if (t1 > MANY_STRAGGLERS_FACTOR * t0) {
        t.fail(`${summary}: near the end of each phase, give idle workers a backup copy of each task that is running far longer than the others, and take whichever copy finishes first`, { time: t1 });
      }
      if (runs > Math.floor(MAX_MAP_RUNS_PER_INPUT * spec.splits)) {
        t.fail(
          `${summary}: over the bound of ${Math.floor(MAX_MAP_RUNS_PER_INPUT * spec.splits)} map runs. One backup per slow task is enough; backups of backups, or a copy for every idle worker, ` +
            `waste the cluster on the same few tasks`,
          { time: t1 },
        );
      }
      s.sim.note(`many stragglers (passed): ${summary}`);
    },
  },
];
