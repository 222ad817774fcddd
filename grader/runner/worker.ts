/**
 * A grading worker process (started by pool.ts): loads one lab's suite and one implementation, then
 * runs seeds of its tests one at a time as the pool asks. Lab code runs here rather than in the
 * grader's process so that a loop, a crash or a memory blow-up costs one seed, never the whole run.
 */
import { resolve } from "node:path";
import { findLab } from "../suites/index.js";
import { Random } from "../sim/random.js";
import { enableFreshInstances } from "./fresh-instances.js";
import { importInstructorSuite, type PackedInstructorSuite } from "./instructor-tests.js";
import { loadImplementation } from "./load-implementation.js";
import { watchPromises } from "./promise-watch.js";
import { runSeed, type SeedResult } from "./run-seed.js";
import type { LabSuite, LabTest } from "./suite.js";

/** What the pool passes, as JSON, in the worker's first argument. */
export interface WorkerInit {
  /** Folder name of the lab, e.g. "01-fallacies". */
  lab: string;
  implDir: string;
  /** When set, the pool's first message is the lab's instructor-only tests (see instructor-tests.ts). */
  instructorTests?: boolean;
}

/** The instructor-only tests, packed: sent as the first message, never as a path the worker reads. */
export interface InstructorTestsMessage {
  type: "instructor-tests";
  packed: PackedInstructorSuite;
}

/** The pool is done with this worker: flush the output and exit. */
export interface ExitMessage {
  type: "exit";
}

/** One seed of one test to run. */
export interface TaskMessage {
  taskId: number;
  testId: string;
  seed: number;
  trace: boolean;
}

export type WorkerReply =
  | { type: "ready" }
  | { type: "load-error"; message: string }
  | { type: "result"; taskId: number; result: SeedResult };

const send = process.send?.bind(process);
if (send === undefined) throw new Error("worker.ts is a grading worker; the grader starts it through pool.ts");
const reply = (message: WorkerReply) => send(message);
const init = JSON.parse(process.argv[2] ?? "{}") as WorkerInit;
const implDir = resolve(init.implDir);
// Listening from the start, so the first message cannot arrive before anyone hears it.
const instructorMessage = init.instructorTests
  ? new Promise<InstructorTestsMessage>((resolve) => process.once("message", (message: InstructorTestsMessage) => resolve(message)))
  : null;

const exit = process.exit.bind(process);
refuseProcessExit();
// If the grader goes away, so does its worker.
process.on("disconnect", () => exit(0));
// Lab code can leave work behind that fails after its seed has been reported (a captured real timer, a
// stray promise). The seed's own result already stands; crashing here would instead fail whichever
// unrelated seed this worker runs next, depending on timing.
process.on("uncaughtException", () => {});
process.on("unhandledRejection", () => {});

// Each seed gets its own copy of the implementation's modules, so module-level state cannot leak
// from one seed into the next (where Node cannot do that, seeds share one copy).
const fresh = enableFreshInstances(implDir);
const loaded = await load();
if (loaded !== null) {
  const tests = new Map([...loaded.suite.tests, ...loaded.instructorTests].map((test) => [test.id, test]));
  // The pool sends a worker its next task only after the previous result, so tasks never overlap.
  process.on("message", async (message: TaskMessage | ExitMessage) => {
    if ("type" in message) {
      // Output still queued for the pipe goes out before the process does.
      process.stdout.write("", () => process.stderr.write("", () => exit(0)));
      return;
    }
    const task = message;
    const test = tests.get(task.testId);
    let result: SeedResult;
    if (test === undefined) {
      result = { seed: task.seed, passed: false, message: `the grader asked for an unknown test ${JSON.stringify(task.testId)}` };
    } else {
      try {
        const impl = fresh ? await loadFresh(loaded.suite, task) : loaded.impl;
        result = runSeed(loaded.suite, test, impl, task.seed, { trace: task.trace, implDir, watchPromises });
      } catch (error) {
        result = { seed: task.seed, passed: false, message: `loading your modules failed: ${error instanceof Error ? error.message : String(error)}` };
      }
    }
    reply({ type: "result", taskId: task.taskId, result });
  });
  reply({ type: "ready" });
}

/**
 * Imports the seed's own copy of the implementation. Top-level code in its modules runs now, outside
 * any simulation, so Math.random is seeded by the seed for the duration (the same values whenever this
 * seed runs). Only Math.random: Node's own module loading may use timers and the clock meanwhile.
 */
async function loadFresh(suite: LabSuite<unknown>, task: TaskMessage): Promise<unknown> {
  const rng = new Random(task.seed, "module-load");
  const realRandom = Math.random;
  Math.random = () => rng.next();
  try {
    return await loadImplementation(suite, implDir, task.taskId);
  } finally {
    Math.random = realRandom;
  }
}

async function load(): Promise<{ suite: LabSuite<unknown>; instructorTests: LabTest<unknown>[]; impl: unknown } | null> {
  const entry = findLab(init.lab);
  if (entry?.load === undefined) throw new Error(`lab ${init.lab} has no suite to load`);
  const suite = (await entry.load()) as LabSuite<unknown>;
  let instructorTests: LabTest<unknown>[] = [];
  try {
    if (instructorMessage !== null) instructorTests = await importInstructorSuite((await instructorMessage).packed, suite);
  } catch (error) {
    // The grader checked the file before starting workers, so this is the grader's fault, not the learner's.
    reply({ type: "load-error", message: `the grader could not load the instructor-only tests: ${(error as Error).message}` });
    return null;
  }
  try {
    const impl = await loadImplementation(suite, implDir);
    return { suite, instructorTests, impl };
  } catch (error) {
    // A LoadError already says what to fix; anything else is reported as it is, never as a crash.
    reply({ type: "load-error", message: error instanceof Error ? error.message : String(error) });
    return null;
  }
}

/**
 * `process.exit` in lab code would end the worker mid-seed and the pool could only say "the worker
 * stopped". Throwing instead makes it an ordinary failure of that seed, pointing at the learner's line.
 */
function refuseProcessExit(): void {
  process.exit = ((code?: number | string | null) => {
    throw new Error(
      `lab code called process.exit(${code ?? ""}): a node must not stop the process. ` +
        "Return from the handler instead; the test decides when the run ends.",
    );
  }) as typeof process.exit;
}
