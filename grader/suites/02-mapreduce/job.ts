/**
 * Runs one MapReduce job on the learner's coordinator and workers, over the simulated shared file
 * system, and checks it as it goes: when the coordinator reports done, every output file must be
 * final and the outputs together must equal the sequential reference; after that, no output may
 * change, up to the end of the run (the deadline); and by then every worker must have exited.
 */
import type { NodeContext, NodeId } from "../../sim/api.js";
import type { FaultSchedule } from "../../sim/faults.js";
import type { NetworkConditions } from "../../sim/network.js";
import type { Simulation } from "../../sim/simulation.js";
import type { TestContext } from "../../runner/suite.js";
import { ExecutionRecorder, makeInputs, sequentialOutput } from "./apps.js";
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
  const job: RunningJob = { sim, fs, recorder, inputs, workers, doneAt: null };
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
        snapshot = checkOutputs(t, fs, expected, spec.nReduce, `the coordinator reported done at t=${sim.now}ms (${what})`);
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
          sim.at(sim.now, `${id} exits`, () => sim.crash(id));
        },
      });
      return worker;
    });
  }

  sim.afterEachStep(() => {
    if (snapshot === null) return;
    for (const [path, contents] of snapshot) {
      const why = fs.notFinal(path);
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
  sim.start();
  sim.run(spec.deadline);
  if (job.doneAt === null) {
    const committed = Array.from({ length: spec.nReduce }, (_, r) => outputFile(r)).filter((p) => fs.notFinal(p) === null).length;
    const stuck = [...inputs.keys()].filter((f) => !recorder.maps.some((e) => e.what === f && sim.isUp(e.node)));
    const maps = stuck.length === 0 ? "" : ` ${stuck.length} input(s) were mapped by no worker still running, e.g. ${stuck[0]};`;
    t.fail(
      `the coordinator did not report done by t=${spec.deadline}ms (${what});${maps} ${committed} of ${spec.nReduce} output files were final by then. ` +
        `A crashed, paused or slow worker never finishes its task: give the task to another worker after a timeout, and make workers and coordinator retry lost messages`,
    );
  }
  const running = workers.filter((w) => sim.isUp(w) && !exited.has(w));
  if (running.length > 0) {
    t.fail(
      `${running.join(", ")} still running at t=${sim.now}ms, the end of the run, though the coordinator reported done at t=${job.doneAt}ms (${what}): ` +
        `a worker must call job.exit() once the coordinator tells it the job is over (keep answering requests after done)`,
    );
  }
  return job;
}

/** Checks the outputs against the sequential reference; returns their contents for the no-change check. */
function checkOutputs(t: TestContext, fs: SharedFileSystem, expected: Map<string, string>, nReduce: number, when: string): Map<string, string> {
  const snapshot = new Map<string, string>();
  const seen = new Map<string, string>();
  for (let r = 0; r < nReduce; r++) {
    const path = outputFile(r);
    const why = fs.notFinal(path);
    if (why !== null) t.fail(`${when}, but output file ${path} is not final: ${why}. Report done only after every reduce task has committed its output`);
    const contents = fs.files.get(path)?.contents as string;
    snapshot.set(path, contents);
    for (const line of contents.split("\n")) {
      if (line === "") continue;
      const space = line.indexOf(" ");
      if (space <= 0) t.fail(`${when}, but ${path} has a line that is not "key value": ${JSON.stringify(line.slice(0, 80))}`);
      const key = line.slice(0, space);
      const value = line.slice(space + 1);
      const other = seen.get(key);
      if (other !== undefined) {
        t.fail(`${when}, but key ${JSON.stringify(key)} appears twice (in ${other} and ${path}): every map task must send a key to the same reduce task (partition by a hash of the key, mod nReduce), and each reduce task must output a key once`);
      }
      seen.set(key, path);
      const want = expected.get(key);
      if (want === undefined) t.fail(`${when}, but ${path} has key ${JSON.stringify(key)}, which the inputs do not produce`);
      if (want !== value) {
        t.fail(
          `${when}, but ${path} says ${JSON.stringify(key)} -> ${JSON.stringify(value)} where a sequential run gives ${JSON.stringify(want)}: ` +
            `a reduce task must see every value of its keys, from every map task (were all map outputs complete before reduce tasks started?)`,
        );
      }
    }
  }
  const missing = [...expected.keys()].filter((k) => !seen.has(k));
  if (missing.length > 0) {
    t.fail(
      `${when}, but ${missing.length} of ${expected.size} keys are missing from the outputs, e.g. ${JSON.stringify(missing[0])}: ` +
        `every map task's output must reach the reduce tasks (were all map tasks finished before reduce tasks started?)`,
    );
  }
  return snapshot;
}
