/**
 * Grades one implementation against one lab's suite: plans the seeds, dispatches them to the worker
 * pool, and turns the seed results into points. A test passes only if every one of its seeds passes;
 * its points are all or nothing.
 *
 * The result is deterministic (apart from `durationMs` and the seeds of a grading run): seeds of a test
 * start in increasing order, so whichever seeds happen to be running when one fails, the lowest
 * failing seed has always run, and it is the one reported.
 */
import { randomInt } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import type { LabEntry } from "../suites/index.js";
import { bundleImplementation, type LabBundle } from "./bundle.js";
import { checkFolder, LoadError } from "./load-implementation.js";
import { WorkerPool, type Task } from "./pool.js";
import { needsStaging, stageForRun } from "./stage.js";
import { importInstructorSuite, InstructorSuiteError, packInstructorSuite, type PackedInstructorSuite } from "./instructor-tests.js";
import type { SeedResult } from "./run-seed.js";
import type { LabSuite, LabTest } from "./suite.js";
import { REPO_ROOT, typecheckImplementation } from "./typecheck.js";

export type Mode = "practice" | "grading";

export interface GradeOptions {
  entry: LabEntry;
  implDir: string;
  /** How the implementation is named in the report, e.g. "labs/01-fallacies". */
  implementationLabel: string;
  /** Practice runs use seeds 1..N; grading runs draw fresh seeds, so hard-coding to a seed fails. */
  mode: Mode;
  /** Seeds per test, instead of each test's own count. */
  seeds?: number;
  /** Run exactly this seed of every selected test (a replay). */
  seed?: number;
  /** Test ids to run; every other test is left out of the run and of the score. */
  only?: string[];
  /** Write traces to traces/<lab>/: of each reported failure, and with `seed`, of every run. */
  trace?: boolean;
  /** Wall-clock time one seed may take (default 20 s). */
  deadlineMs?: number;
  /** Heap limit per worker in MB (default 1024). */
  memoryMb?: number;
  /** Most worker threads (default: the machine's available parallelism). */
  workers?: number;
  /**
   * The lab's instructor-only tests file (solutions-private/<lab>/instructor-suite.ts): its tests run
   * after the practice suite's and count toward the score. See instructor-tests.ts.
   */
  instructorTests?: string;
  /** Type-check the implementation alongside grading (default true). */
  typecheck?: boolean;
  /** Where the workers' own output goes (default stderr: stdout belongs to the report). */
  labOutput?: NodeJS.WritableStream;
  /**
   * Also print lab code's console lines to `labOutput` (they always go to the trace as the node's log).
   * For a learner's own runs; batch grading never does, so no output of a submission reaches results.
   */
  echoConsole?: boolean;
  onProgress?(done: number, total: number): void;
}

export interface GradeResult {
  lab: string;
  title: string;
  implementation: string;
  mode: Mode;
  score: number;
  maxScore: number;
  durationMs: number;
  tests: TestResult[];
  /** Set when the implementation could not be loaded: nothing ran. */
  loadError?: string;
  /** Type errors in the implementation (warnings: the code still ran). */
  typeErrors?: string[];
}

export interface TestResult {
  id: string;
  name: string;
  part: string;
  points: number;
  maxPoints: number;
  passed: boolean;
  /** The seeds this test was to run, in order. */
  seeds: number[];
  failure?: Failure;
  /** With `seed` and `trace`, the trace of a passing run. */
  trace?: string;
  /** An instructor-only test (learners do not have it; Gradescope shows it after grades are published). */
  instructorOnly?: true;
}

export interface Failure {
  seed: number;
  message: string;
  time?: number;
  node?: string;
  /** The command that replays exactly this failure and writes its trace. */
  replay: string;
  /** Where its trace was written (with `trace`). */
  trace?: string;
}

/** The options asked for something that cannot be run (an unknown test id, a bad count). */
export class GradeOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GradeOptionsError";
  }
}

export const DEFAULT_DEADLINE_MS = 20_000;
export const DEFAULT_MEMORY_MB = 1024;
const DEFAULT_SEEDS = 5;

/** One test's seeds and what has come back for them. */
interface Plan {
  test: LabTest<never>;
  instructorOnly: boolean;
  seeds: number[];
  /** Index of the next seed to start. */
  next: number;
  results: (SeedResult | undefined)[];
  /** Index of the lowest failing seed so far; no seed above it is started. */
  failedAt: number;
}

export async function gradeLab(options: GradeOptions): Promise<GradeResult> {
  const started = performance.now();
  const { entry } = options;
  if (entry.load === undefined) throw new GradeOptionsError(`Unit ${entry.unit} (${entry.title}) has no suite yet`);
  const suite = await entry.load();
  let packed: PackedInstructorSuite | undefined;
  let extra: LabTest<never>[] = [];
  try {
    if (options.instructorTests !== undefined) {
      packed = packInstructorSuite(options.instructorTests);
      extra = await importInstructorSuite(packed, suite, "file");
    }
  } catch (error) {
    if (error instanceof InstructorSuiteError) throw new GradeOptionsError(`The instructor-only tests cannot be used: ${error.message}`);
    throw error;
  }
  const instructorIds = new Set(extra.map((t) => t.id));
  const plans = selectTests(suite, extra, options.only).map((test) => planSeeds(test, instructorIds.has(test.id), options));
  // A folder away from the course is graded from a copy laid out like it (see stage.ts); what the run
  // says about the copy is said about the folder.
  const stage = needsStaging(options.implDir) ? stageForRun(options.implDir, suite.lab) : null;
  try {
    return await gradeFolder(options, suite, stage?.implDir ?? options.implDir, plans, packed, started, stage?.original ?? ((text) => text));
  } finally {
    stage?.remove();
  }
}

async function gradeFolder(
  options: GradeOptions,
  suite: LabSuite<never>,
  implDir: string,
  plans: Plan[],
  packed: PackedInstructorSuite | undefined,
  started: number,
  original: (text: string) => string,
): Promise<GradeResult> {
  const typeErrors = options.typecheck === false ? Promise.resolve([]) : typecheckImplementation(implDir);

  const total = plans.reduce((sum, plan) => sum + plan.seeds.length, 0);
  const bundled = await bundle(suite, implDir);
  const launch =
    "loadError" in bundled
      ? bundled
      : await WorkerPool.start({
          lab: suite.lab,
          bundle: bundled.bundle,
          entryLabel: bundled.entry,
          implementationLabel: options.implementationLabel,
          size: Math.max(1, Math.min(options.workers ?? availableParallelism(), total)),
          deadlineMs: options.deadlineMs ?? DEFAULT_DEADLINE_MS,
          memoryMb: options.memoryMb ?? DEFAULT_MEMORY_MB,
          labOutput: options.labOutput ?? process.stderr,
          ...(options.echoConsole ? { echoConsole: true } : {}),
          ...(packed !== undefined ? { instructorTests: packed } : {}),
        });
  let loadError: string | undefined;
  if ("loadError" in launch) loadError = launch.loadError;
  else {
    try {
      await runPlans(launch.pool, plans, options.trace ?? false, total, options.onProgress);
    } finally {
      await launch.pool.close();
    }
  }

  const tests: TestResult[] = [];
  for (const plan of plans) tests.push(await summarize(suite, plan, options, loadError !== undefined));
  for (const test of tests) if (test.failure) test.failure.message = original(test.failure.message);
  const result: GradeResult = {
    lab: suite.lab,
    title: suite.title,
    implementation: options.implementationLabel,
    mode: options.mode,
    score: tests.reduce((sum, t) => sum + t.points, 0),
    maxScore: tests.reduce((sum, t) => sum + t.maxPoints, 0),
    durationMs: Math.round(performance.now() - started),
    tests,
  };
  if (loadError !== undefined) result.loadError = original(loadError);
  const errors = await typeErrors;
  if (errors.length > 0) result.typeErrors = errors.map(original);
  await saveProgress(result, options);
  return result;
}

/** The implementation as workers receive it, or why it cannot be loaded. */
async function bundle(suite: LabSuite<never>, implDir: string): Promise<{ bundle: LabBundle; entry: string } | { loadError: string }> {
  try {
    const entry = checkFolder(suite as LabSuite<unknown>, implDir);
    return { bundle: await bundleImplementation(implDir, relative(process.cwd(), resolve(implDir)) || "."), entry };
  } catch (error) {
    if (error instanceof LoadError) return { loadError: error.message };
    throw error;
  }
}

/**
 * Saves a run of the learner's own labs/<lab> folder to .progress/<lab>.json for the progress page
 * (`npm run site`). Best effort: a failed write never affects grading.
 */
async function saveProgress(result: GradeResult, options: GradeOptions): Promise<void> {
  if (result.loadError !== undefined || resolve(options.implDir) !== join(REPO_ROOT, "labs", result.lab)) return;
  const record = {
    lab: result.lab,
    title: result.title,
    implementation: result.implementation,
    mode: result.mode,
    score: result.score,
    maxScore: result.maxScore,
    savedAt: new Date().toISOString(),
    ...(options.only !== undefined && options.only.length > 0 ? { only: options.only } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    tests: result.tests.map((t) => ({ id: t.id, name: t.name, passed: t.passed, points: t.points, maxPoints: t.maxPoints })),
  };
  // DS_COURSE_PROGRESS_DIR points elsewhere: the course's own tests use it, so that `npm test` in a
  // learner's fork never overwrites their saved progress.
  const dir = process.env.DS_COURSE_PROGRESS_DIR ?? join(REPO_ROOT, ".progress");
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${result.lab}.json`), `${JSON.stringify(record, null, 2)}\n`);
  } catch {
    // The progress page is a convenience; grading must not depend on a writable checkout.
  }
}

function selectTests(suite: LabSuite<never>, instructorTests: LabTest<never>[], only: string[] | undefined): LabTest<never>[] {
  const all = [...suite.tests, ...instructorTests];
  if (only === undefined || only.length === 0) return all;
  const known = new Set(all.map((t) => t.id));
  const unknown = only.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    const width = Math.max(...all.map((t) => t.id.length));
    throw new GradeOptionsError(
      `Lab ${suite.unit} has no test ${unknown.map((id) => JSON.stringify(id)).join(", ")}. Its tests are:\n` +
        all.map((t) => `  ${t.id.padEnd(width)}  ${t.name}`).join("\n") +
        (instructorTests.length === 0 ? "" : `\n(the last ${instructorTests.length} are instructor-only)`),
    );
  }
  // Suite order, not the order they were asked for, so the report reads the same either way.
  return all.filter((t) => only.includes(t.id));
}

function planSeeds(test: LabTest<never>, instructorOnly: boolean, options: GradeOptions): Plan {
  let seeds: number[];
  if (options.seed !== undefined) seeds = [options.seed];
  else {
    const count = options.seeds ?? test.seeds ?? DEFAULT_SEEDS;
    if (!Number.isInteger(count) || count < 1) throw new GradeOptionsError(`the number of seeds must be a whole number of at least 1, got ${count}`);
    seeds = Array.from({ length: count }, (_, i) => (options.mode === "grading" ? randomInt(1, 2 ** 31) : i + 1));
  }
  return { test, instructorOnly, seeds, next: 0, results: [], failedAt: Infinity };
}

/**
 * Keeps every worker busy. Seeds go out round by round (seed 1 of every test, then seed 2, ...), so a
 * broken test usually fails on its first seed before its others have started, and the run stays short.
 */
function runPlans(
  pool: WorkerPool,
  plans: Plan[],
  trace: boolean,
  total: number,
  onProgress: GradeOptions["onProgress"],
): Promise<void> {
  let done = 0;
  let inFlight = 0;
  const progress = (n: number) => {
    done += n;
    onProgress?.(done, total);
  };
  const nextTask = (): { plan: Plan; index: number } | undefined => {
    let best: Plan | undefined;
    for (const plan of plans) {
      if (plan.next >= plan.seeds.length) continue;
      if (best === undefined || plan.next < best.next) best = plan;
    }
    if (best === undefined) return undefined;
    return { plan: best, index: best.next++ };
  };
  progress(0);
  return new Promise((finished) => {
    const pump = () => {
      // One task per worker at most: the rest wait here, where a failure can still cancel them.
      while (inFlight < pool.size) {
        const next = nextTask();
        if (next === undefined) break;
        inFlight++;
        const { plan, index } = next;
        const task: Task = { testId: plan.test.id, seed: plan.seeds[index] as number, trace };
        void pool.run(task).then((result) => {
          inFlight--;
          plan.results[index] = result;
          let settled = 1;
          if (!result.passed && index < plan.failedAt) {
            // Seeds above the failure that have not started never will: count them as done.
            const unstarted = plan.seeds.length - plan.next;
            plan.failedAt = index;
            plan.next = plan.seeds.length;
            settled += unstarted;
          }
          progress(settled);
          pump();
        });
      }
      if (inFlight === 0) finished();
    };
    pump();
  });
}

async function summarize(suite: LabSuite<never>, plan: Plan, options: GradeOptions, notRun: boolean): Promise<TestResult> {
  const { test } = plan;
  const passed = !notRun && plan.seeds.every((_, i) => plan.results[i]?.passed === true);
  const result: TestResult = {
    id: test.id,
    name: test.name,
    part: test.part,
    points: passed ? test.points : 0,
    maxPoints: test.points,
    passed,
    seeds: plan.seeds,
  };
  if (plan.instructorOnly) result.instructorOnly = true;
  if (notRun) return result;
  const failed = plan.results[plan.failedAt];
  if (failed !== undefined) {
    const failure: Failure = { seed: failed.seed, message: failed.message ?? "failed", replay: replayCommand(suite, test, failed.seed, options, plan.instructorOnly) };
    if (failed.time !== undefined) failure.time = failed.time;
    if (failed.node !== undefined) failure.node = failed.node;
    if (failed.trace !== undefined) failure.trace = await writeTrace(suite, test, failed);
    result.failure = failure;
  } else if (!passed) {
    // Unreachable unless the dispatch above is wrong; a test must never pass or vanish silently.
    throw new Error(`internal error: test ${test.id} neither passed nor has a failing seed`);
  } else if (options.seed !== undefined && plan.results[0]?.trace !== undefined) {
    result.trace = await writeTrace(suite, test, plan.results[0]);
  }
  return result;
}

/** Writes a trace to traces/<lab>/<test>-seed<seed>.json and returns its path relative to cwd. */
async function writeTrace(suite: LabSuite<never>, test: LabTest<never>, result: SeedResult): Promise<string> {
  const file = join(REPO_ROOT, "traces", suite.lab, `${test.id}-seed${result.seed}.json`);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, result.trace as string);
  return relative(process.cwd(), file);
}

/** The command that replays one seed of one test on the same implementation, writing its trace. */
function replayCommand(suite: LabSuite<never>, test: LabTest<never>, seed: number, options: GradeOptions, instructorOnly: boolean): string {
  const args = ["npm", "run", "lab", String(suite.unit), "--", "--only", test.id, "--seed", String(seed), "--trace"];
  if (instructorOnly) args.push("--instructor");
  const folder = resolve(options.implDir);
  if (folder === join(REPO_ROOT, "solutions-private", suite.lab)) args.push("--solution");
  else if (folder !== join(REPO_ROOT, "labs", suite.lab)) args.push("--impl", relative(process.cwd(), folder) || ".");
  return args.map(shellQuote).join(" ");
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
