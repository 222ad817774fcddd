/**
 * Grades one implementation against one lab's suite: plans the seeds, dispatches them to the worker
 * pool, and turns the seed results into points. A test passes only if every one of its seeds passes;
 * its points are all or nothing.
 *
 * The result is deterministic (apart from `durationMs` and the seeds of a grading run): seeds of a test
 * start in increasing order, so whichever seeds happen to be running when one fails, the lowest
 * failing seed has always run, and it is the one reported.
 *
 * A test whose first seed ran a schedule-explorer search (see `searchesStarted`) runs on that seed
 * only: the search tries every schedule within its bounds rather than the one a seed samples, so its
 * later seeds would repeat it. Batch grading already runs such tests once (their own count).
 */
import { createHash, randomInt } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import type { LabEntry } from "./labs.js";
import { bundleImplementation, type LabBundle } from "./bundle.js";
import { checkFolder, LoadError } from "./load-implementation.js";
import { WorkerPool, type Task } from "./pool.js";
import { needsStaging, stageForRun } from "./stage.js";
import { importInstructorSuite, InstructorSuiteError, packInstructorSuite, type PackedInstructorSuite } from "./instructor-tests.js";
import type { SeedResult } from "./run-seed.js";
import type { Bound, LabSuite, LabTest } from "./suite.js";
import { REPO_ROOT, typecheckImplementation } from "./typecheck.js";

export type Mode = "practice" | "grading";

export interface GradeOptions {
  entry: LabEntry;
  implDir: string;
  /** How the implementation is named in the report, e.g. "labs/01-fallacies". */
  implementationLabel: string;
  /**
   * The folder as the learner knows it (e.g. "labs/01-fallacies" inside their submission), said in
   * messages instead of `implDir` when that is a temporary copy (batch grading stages submissions).
   */
  shownAs?: string;
  /** Practice runs use seeds 1..N; grading runs draw fresh seeds, so hard-coding to a seed fails. */
  mode: Mode;
  /** Seeds per test, instead of each test's own count. */
  seeds?: number;
  /** Run exactly this seed of every selected test (a replay). */
  seed?: number;
  /** Test ids to run; every other test is left out of the run and of the score. */
  only?: string[];
  /**
   * Write traces: of each reported failure, and with `seed`, of every run. They go to traces/<lab>/
   * for labs/<lab>, and to a subfolder of it named for any other implementation.
   */
  trace?: boolean;
  /** Run every seed of a failing test rather than stopping at its first failure (for `failures`). */
  allSeeds?: boolean;
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
  /** The one seed every test ran (a replay), when one was given. */
  seed?: number;
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
  /** The seeds this test was to run, in order (one, when it ran once: see `once`). */
  seeds: number[];
  /** The lowest failing seed. */
  failure?: Failure;
  /** Every failing seed that ran, lowest first (the first is `failure`). */
  failures?: Failure[];
  /** Seeds never started because a lower seed had already failed the test. */
  notRun?: number[];
  /** Why it ran on one seed although more were asked for. */
  once?: string;
  /** What it measured against its bounds (`TestContext.measure`), over the seeds that ran. */
  figures?: Figure[];
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

/** One measured figure of a test over its seeds: the worst value, nearest its bound or past it. */
export interface Figure {
  name: string;
  bound: Bound;
  worst: number;
  /** The seed that gave `worst`. */
  seed: number;
  /** Whether `worst` is within the bound. */
  within: boolean;
  values: { seed: number; value: number }[];
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
  /** Index of the lowest failing seed so far; no seed above it is started (unless `allSeeds`). */
  failedAt: number;
  /** Its first seed ran a search: the others are not run (see the module comment). */
  once: boolean;
}

export const ONCE_REASON = "a schedule-explorer search tries every schedule within its bounds rather than one per seed, so more seeds would repeat it: run once";

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
    return await gradeFolder(options, suite, stage?.implDir ?? options.implDir, plans, packed, started, stage?.original ?? shownAs(options));
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
  const total = plans.reduce((sum, plan) => sum + plan.seeds.length, 0);
  const folderError = checkedFolder(suite, implDir);
  // A folder that is missing, or holds no entry file, has nothing to type-check: its message is the one.
  const typeErrors = options.typecheck === false || folderError !== undefined ? Promise.resolve([]) : typecheckImplementation(implDir);
  const bundled = folderError !== undefined ? { loadError: folderError } : await bundle(suite, implDir);
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
      await runPlans(launch.pool, plans, options, total);
    } finally {
      await launch.pool.close();
    }
  }

  const tests: TestResult[] = [];
  for (const plan of plans) tests.push(await summarize(suite, plan, options, loadError !== undefined, original));
  const result: GradeResult = {
    lab: suite.lab,
    title: suite.title,
    implementation: options.implementationLabel,
    mode: options.mode,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
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

/** Speaks of `implDir` as `shownAs` (the relative form first: it holds no absolute path). */
function shownAs(options: GradeOptions): (text: string) => string {
  const { shownAs: shown } = options;
  if (shown === undefined) return (text) => text;
  const dir = resolve(options.implDir);
  const pairs: [string, string][] = [
    [relative(process.cwd(), dir), shown],
    [dir, shown],
  ];
  return (text) => pairs.reduce((t, [from, to]) => t.replaceAll(from, to), text);
}

/** Why `implDir` is not a lab folder at all (missing, or no entry file), if it is not. */
function checkedFolder(suite: LabSuite<never>, implDir: string): string | undefined {
  try {
    checkFolder(suite as LabSuite<unknown>, implDir);
    return undefined;
  } catch (error) {
    if (error instanceof LoadError) return error.message;
    throw error;
  }
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
  return { test, instructorOnly, seeds, next: 0, results: [], failedAt: Infinity, once: false };
}

/**
 * Keeps every worker busy. Seeds go out round by round (seed 1 of every test, then seed 2, ...), so a
 * broken test usually fails on its first seed before its others have started, and the run stays short.
 * A test's later seeds wait for its first one, which tells whether the test is a search (run once).
 */
function runPlans(pool: WorkerPool, plans: Plan[], options: GradeOptions, total: number): Promise<void> {
  const trace = options.trace ?? false;
  let done = 0;
  let inFlight = 0;
  const progress = (n: number) => {
    done += n;
    options.onProgress?.(done, total);
  };
  const waitingForFirst = (plan: Plan) => plan.next === 1 && plan.results[0] === undefined;
  const nextTask = (): { plan: Plan; index: number } | undefined => {
    let best: Plan | undefined;
    for (const plan of plans) {
      if (plan.next >= plan.seeds.length || waitingForFirst(plan)) continue;
      if (best === undefined || plan.next < best.next) best = plan;
    }
    if (best === undefined) return undefined;
    return { plan: best, index: best.next++ };
  };
  /** Stops starting seeds of `plan`; returns how many it will never start. */
  const stopStarting = (plan: Plan) => {
    const unstarted = plan.seeds.length - plan.next;
    plan.next = plan.seeds.length;
    return unstarted;
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
          if (index === 0 && result.searched === true && plan.seeds.length > 1) {
            plan.once = true;
            settled += stopStarting(plan);
          }
          if (!result.passed && index < plan.failedAt) {
            plan.failedAt = index;
            // Seeds above the failure that have not started never will: count them as done. With
            // `allSeeds` too once a seed ran out of wall-clock time or memory, so a hanging submission
            // costs one deadline per test, not one per seed.
            if (!options.allSeeds || outOfBounds(result)) settled += stopStarting(plan);
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

/** A seed stopped by a guard rail (wall-clock deadline, memory), not by a verdict about the protocol. */
function outOfBounds(result: SeedResult): boolean {
  return /did not finish within|ran out of memory/.test(result.message ?? "");
}

async function summarize(suite: LabSuite<never>, plan: Plan, options: GradeOptions, notRun: boolean, original: (text: string) => string): Promise<TestResult> {
  const { test } = plan;
  const seeds = plan.once ? plan.seeds.slice(0, 1) : plan.seeds;
  const passed = !notRun && seeds.every((_, i) => plan.results[i]?.passed === true);
  const result: TestResult = {
    id: test.id,
    name: test.name,
    part: test.part,
    points: passed ? test.points : 0,
    maxPoints: test.points,
    passed,
    seeds,
  };
  if (plan.instructorOnly) result.instructorOnly = true;
  if (notRun) return result;
  if (plan.once) result.once = ONCE_REASON;
  const ran = seeds.flatMap((_, i) => plan.results[i] ?? []);
  const figures = summarizeFigures(ran);
  if (figures.length > 0) result.figures = figures;
  const failed = ran.filter((r) => !r.passed);
  if (failed.length > 0) {
    const lowest = plan.results[plan.failedAt] as SeedResult;
    const failures: Failure[] = [];
    for (const seed of failed) {
      const failure: Failure = { seed: seed.seed, message: original(seed.message ?? "failed"), replay: replayCommand(suite, test, seed.seed, options, plan.instructorOnly) };
      if (seed.time !== undefined) failure.time = seed.time;
      if (seed.node !== undefined) failure.node = seed.node;
      // One trace per failing test: of its lowest failing seed, the one the report shows.
      if (seed === lowest && seed.trace !== undefined) failure.trace = await writeTrace(suite, test, seed, options, original);
      failures.push(failure);
    }
    result.failure = failures[0] as Failure;
    result.failures = failures;
    const skipped = seeds.filter((_, i) => plan.results[i] === undefined);
    if (skipped.length > 0) result.notRun = skipped;
  } else if (!passed) {
    // Unreachable unless the dispatch above is wrong; a test must never pass or vanish silently.
    throw new Error(`internal error: test ${test.id} neither passed nor has a failing seed`);
  } else if (options.seed !== undefined && plan.results[0]?.trace !== undefined) {
    result.trace = await writeTrace(suite, test, plan.results[0], options, original);
  }
  return result;
}

/** Each figure's worst value over the seeds that ran: the largest against `atMost`, else the smallest. */
function summarizeFigures(results: SeedResult[]): Figure[] {
  const byName = new Map<string, Figure>();
  for (const result of results) {
    for (const measure of result.figures ?? []) {
      const figure = byName.get(measure.name) ?? { name: measure.name, bound: measure.bound, worst: measure.value, seed: result.seed, within: true, values: [] };
      figure.values.push({ seed: result.seed, value: measure.value });
      const worse = figure.bound.atMost !== undefined ? measure.value > figure.worst : measure.value < figure.worst;
      if (worse) Object.assign(figure, { worst: measure.value, seed: result.seed });
      byName.set(measure.name, figure);
    }
  }
  const figures = [...byName.values()];
  for (const f of figures) f.within = (f.bound.atMost === undefined || f.worst <= f.bound.atMost) && (f.bound.atLeast === undefined || f.worst >= f.bound.atLeast);
  return figures;
}

/**
 * Writes a trace to `<traces of this implementation>/<test>-seed<seed>.json` and returns its path
 * relative to cwd. What the trace says of a staged copy it says of the folder graded, so a folder's
 * trace is the same on every run however it was staged.
 */
async function writeTrace(suite: LabSuite<never>, test: LabTest<never>, result: SeedResult, options: GradeOptions, original: (text: string) => string): Promise<string> {
  const file = join(traceFolder(suite.lab, options.implDir), `${test.id}-seed${result.seed}.json`);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, original(result.trace as string));
  return relative(process.cwd(), file);
}

/**
 * Where an implementation's traces go: traces/<lab>/ for the learner's labs/<lab>, a subfolder of it
 * for any other folder (`solution`, `bug-<name>`, or one named for the folder's path), so that traces
 * of different implementations never overwrite each other.
 */
export function traceFolder(lab: string, implDir: string): string {
  const folder = resolve(implDir);
  const top = join(REPO_ROOT, "traces", lab);
  if (folder === join(REPO_ROOT, "labs", lab)) return top;
  const solution = join(REPO_ROOT, "solutions-private", lab);
  if (folder === solution) return join(top, "solution");
  if (dirname(folder) === join(solution, "bugs")) return join(top, `bug-${folder.slice(dirname(folder).length + 1)}`);
  const inCourse = folder.startsWith(REPO_ROOT + sep);
  // Outside the course: the folder's last names, and a hash of its whole path to tell apart two folders that share them.
  const name = inCourse
    ? relative(REPO_ROOT, folder)
    : `${folder.split(sep).slice(-3).join("-")}-${createHash("sha256").update(folder).digest("hex").slice(0, 8)}`;
  return join(top, name.split(sep).filter(Boolean).join("-").replace(/[^\w.-]+/g, "_"));
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
