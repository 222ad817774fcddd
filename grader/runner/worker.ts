/**
 * A grading worker process (started by pool.ts): loads one lab's suite, locks its realm down, and runs
 * seeds of the suite's tests one at a time as the pool asks, against the implementation the pool sent
 * as a bundle. Lab code runs here rather than in the grader's process so that a loop, a crash or a
 * memory blow-up costs one seed, never the whole run; and it runs confined (confinement.ts), so it
 * cannot reach this process, the suite, the checkers or the channel that reports results.
 */
import { findLab } from "./labs.js";
import type { LabBundle } from "./bundle.js";
import { ConfinedLab, lockDownRealm } from "./confinement.js";
import { confinedImplementation } from "./confined-impl.js";
import { importInstructorSuite, type PackedInstructorSuite } from "./instructor-tests.js";
import { checkExports, describeImportError } from "./load-implementation.js";
import { watchPromises } from "./promise-watch.js";
import { runSeed, type SeedResult } from "./run-seed.js";
import type { LabSuite, LabTest } from "./suite.js";

/** What the pool passes, as JSON, in the worker's first argument. */
export interface WorkerInit {
  /** Folder name of the lab, e.g. "01-fallacies". */
  lab: string;
  /** How the implementation's entry file is named in messages, e.g. "labs/01-fallacies/index.ts". */
  entryLabel: string;
  /** When set, the pool's second message is the lab's instructor-only tests (see instructor-tests.ts). */
  instructorTests?: boolean;
  /** Also print lab code's console lines on stderr (the learner's own terminal; never in batch grading). */
  echoConsole?: boolean;
  /**
   * The pool's wall-clock deadline per seed. Just before it, a seed whose simulation is still
   * handling events stops itself, so that its failure can say what the simulation was doing (a
   * message storm, a livelock); a seed stuck inside one handler is still killed by the pool.
   */
  deadlineMs?: number;
}

/** The implementation, bundled by the grader: always the pool's first message. */
export interface BundleMessage {
  type: "bundle";
  bundle: LabBundle;
}

/** The instructor-only tests, packed: sent as a message, never as a path the worker reads. */
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
// The real clock, for deadlines only: nothing read from it goes into a simulation.
const wallClock = performance.now.bind(performance);

// Listening from the start, so no message can arrive before anyone hears it.
const inbox: unknown[] = [];
let wake: (() => void) | null = null;
const onMessage = (message: unknown) => {
  inbox.push(message);
  wake?.();
};
process.on("message", onMessage);
async function nextMessage<T>(): Promise<T> {
  while (inbox.length === 0) await new Promise<void>((resolve) => (wake = resolve));
  wake = null;
  return inbox.shift() as T;
}

const exit = process.exit.bind(process);
// If the grader goes away, so does its worker.
process.on("disconnect", () => exit(0));
// Lab code can leave work behind that fails after its seed has been reported (a stray promise). The
// seed's own result already stands; crashing here would instead fail whichever unrelated seed this
// worker runs next, depending on timing.
process.on("uncaughtException", () => {});
process.on("unhandledRejection", () => {});

const loaded = await load();
if (loaded !== null) {
  const { suite, lab } = loaded;
  const tests = new Map([...suite.tests, ...loaded.instructorTests].map((test) => [test.id, test]));
  const echo = init.echoConsole ? (line: string) => void process.stderr.write(`${line}\n`) : undefined;
  process.off("message", onMessage);
  for (const early of inbox.splice(0)) void handle(early as TaskMessage | ExitMessage);
  // The pool sends a worker its next task only after the previous result, so tasks never overlap.
  process.on("message", (message: TaskMessage | ExitMessage) => void handle(message));
  reply({ type: "ready" });

  async function handle(message: TaskMessage | ExitMessage): Promise<void> {
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
      const { impl, tripwire } = confinedImplementation(lab, { seed: task.seed, exports: suite.exports, ...(echo ? { echo } : {}) });
      const interrupt = deadlineCheck(task.seed);
      result = runSeed(suite, test, impl, task.seed, { trace: task.trace, watchPromises, locate: (error) => lab.locate(error), tripwire, ...(interrupt ? { interrupt } : {}) });
    }
    reply({ type: "result", taskId: task.taskId, result });
  }
}

/**
 * Stops a seed's simulation shortly before the pool's deadline (leaving time to report), with the
 * words the pool would use, so that the failure also says what the simulation was doing.
 */
function deadlineCheck(seed: number): (() => string | null) | undefined {
  const deadlineMs = init.deadlineMs;
  if (deadlineMs === undefined) return undefined;
  const stopAt = wallClock() + deadlineMs - Math.min(500, deadlineMs / 10);
  const reason = `seed ${seed} did not finish within ${Number((deadlineMs / 1000).toFixed(1))} s of wall-clock time`;
  return () => (wallClock() > stopAt ? reason : null);
}

async function load(): Promise<{ suite: LabSuite<unknown>; instructorTests: LabTest<unknown>[]; lab: ConfinedLab } | null> {
  const entry = findLab(init.lab);
  if (entry?.load === undefined) throw new Error(`lab ${init.lab} has no suite to load`);
  const suite = (await entry.load()) as LabSuite<unknown>;
  const { bundle } = await nextMessage<BundleMessage>();
  let instructorTests: LabTest<unknown>[] = [];
  try {
    if (init.instructorTests) instructorTests = await importInstructorSuite((await nextMessage<InstructorTestsMessage>()).packed, suite);
  } catch (error) {
    // The grader checked the file before starting workers, so this is the grader's fault, not the learner's.
    reply({ type: "load-error", message: `the grader could not load the instructor-only tests: ${(error as Error).message}` });
    return null;
  }
  // Everything of the grader's is loaded: from here on the shared intrinsics are frozen.
  lockDownRealm();
  let lab: ConfinedLab;
  try {
    lab = new ConfinedLab(bundle);
    // One instance now, as a load check: its top-level code runs, and the exports must be there.
    const module = lab.instantiate({ now: () => 0, random: () => 0.5, redirected: () => {}, print: () => {}, refuse: (error) => { throw error; } });
    checkExports(suite, module, init.entryLabel);
  } catch (error) {
    const message = error instanceof Error && error.name === "LoadError" ? error.message : `could not load ${init.entryLabel}:\n${describeImportError(error)}\nFix this, then run the lab again.`;
    reply({ type: "load-error", message });
    return null;
  }
  return { suite, instructorTests, lab };
}
