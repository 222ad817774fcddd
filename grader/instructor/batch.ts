/**
 * Batch grading: many submissions of one lab, each in its own child process (grade-one.ts) with a
 * deadline, several at once. Every finished submission is appended to `results.jsonl` (journal.ts)
 * with the options it was graded with, flushed to disk before anything else happens, so a batch that
 * is stopped resumes where it stopped: a submission recorded under the same options is skipped; one
 * recorded under other options, or as a grader error, is graded again; one that was in flight was
 * never recorded, so it is graded. One batch at a time may use an output folder (lock.ts).
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, tmpdir } from "node:os";
import { basename, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { GradeResult } from "../runner/grade.js";
import { importInstructorSuite, InstructorSuiteError, instructorSuitePath, packInstructorSuite } from "../runner/instructor-tests.js";
import type { LabSuite, LabTest } from "../runner/suite.js";
import { REPO_ROOT } from "../runner/typecheck.js";
import type { LabEntry } from "../suites/index.js";
import type { Limits } from "./contents.js";
import type { GradeOneReply, GradeOneRequest } from "./grade-one.js";
import { appendDurably, readJournal, repairJournal, writeDurably } from "./journal.js";
import { LockedError, lockOutputFolder } from "./lock.js";
import { gradingOptions, regradeReason, type GradedWith } from "./resume.js";
import { classify, type Status } from "./status.js";
import { stageSubmission, SubmissionError, submissionId } from "./submissions.js";

export { readJournal, writeDurably } from "./journal.js";
export type { GradedWith } from "./resume.js";

export interface BatchOptions {
  entry: LabEntry;
  /** Paths of submissions (folders, .zip, .tar.gz). */
  submissions: string[];
  /** Where results.jsonl, results/<id>.json and gradebook.csv go. */
  outDir: string;
  /** Submissions graded at once (default: the machine's available parallelism). */
  parallel?: number;
  seeds?: number;
  only?: string[];
  /** The practice seeds 1..N instead of fresh grading seeds (the self-test uses them). */
  practiceSeeds?: boolean;
  /** Wall-clock time one seed may take. */
  deadlineMs?: number;
  /** Wall-clock time one whole submission may take. */
  submissionDeadlineMs?: number;
  memoryMb?: number;
  /**
   * The lab's instructor-only tests file; by default solutions-private/<lab>/instructor-suite.ts when
   * it exists. `false` grades the practice suite only.
   */
  instructorTests?: string | false;
  /** Console output a submission may print before it counts as a flood. */
  outputCapBytes?: number;
  /** The largest submission unpacked or staged (default contents.ts's LIMITS). */
  limits?: Limits;
  /**
   * Stops the batch: no submission is started after it fires, and those in flight are stopped and not
   * recorded (a rerun grades them). gradeBatch then throws a BatchInterrupted.
   */
  signal?: AbortSignal;
  onRecord?(record: SubmissionRecord, skipped: boolean): void;
  /** What the batch did that the instructor should know: a stale lock taken over, records graded again. */
  onNote?(message: string): void;
}

/** One submission's line in results.jsonl (and its results/<id>.json). */
export interface SubmissionRecord {
  id: string;
  /** The path it was graded from. */
  source: string;
  status: Status;
  detail: string;
  score: number;
  maxScore: number;
  /**
   * Points per part from the practice tests, e.g. { A: 20, B: 35 }. (Journals written before
   * instructor-only points had a column of their own counted those here too; the gradebook reads
   * `result` when it is there, so both read the same.)
   */
  parts: Record<string, number>;
  /** Points from instructor-only tests, when they were graded: `score` is `parts` plus these. */
  instructorOnly?: { points: number; maxPoints: number };
  /** Fresh grading seeds, per test id. */
  seeds: Record<string, number[]>;
  durationMs: number;
  outputBytes: number;
  /** The start of its console output. */
  output: string;
  /** The options it was graded with (absent from journals written before they were recorded). */
  gradedWith?: GradedWith;
  result?: GradeResult;
}

/** A batch that cannot start (its message says what to fix); nothing was graded or lost. */
export class BatchError extends Error {}

/** A batch stopped by its signal: what was recorded stays recorded; the rest is graded by a rerun. */
export class BatchInterrupted extends Error {
  constructor(
    /** The signal's reason (e.g. "SIGINT"). */
    readonly reason: string,
    /** Submissions graded and recorded by this run. */
    readonly recorded: number,
    /** Submissions not recorded: in flight when it stopped, or not started. */
    readonly notRecorded: string[],
  ) {
    super(`Stopped (${reason}) after recording ${recorded} submission${recorded === 1 ? "" : "s"}; ${notRecorded.length} not recorded (${notRecorded.slice(0, 5).join(", ")}${notRecorded.length > 5 ? ", ..." : ""}): run the same command again to grade them.`);
  }
}

export const JOURNAL = "results.jsonl";
export const GRADEBOOK = "gradebook.csv";
const OUTPUT_KEPT_BYTES = 16 * 1024;

const GRADE_ONE = fileURLToPath(new URL("./grade-one.ts", import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;

export async function gradeBatch(options: BatchOptions): Promise<SubmissionRecord[]> {
  const outDir = resolve(options.outDir);
  const ids = options.submissions.map(submissionId);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate !== undefined) throw new BatchError(`Two submissions share the id ${JSON.stringify(duplicate)} (${options.submissions.filter((p) => submissionId(p) === duplicate).join(", ")}): rename one.`);
  // Bad options would fail every submission the same way: say so once, before grading.
  await checkTests(options);
  const gradedWith = gradingOptions(options, batchInstructorTests(options));

  mkdirSync(join(outDir, "results"), { recursive: true });
  let unlock: () => void;
  try {
    unlock = lockOutputFolder(outDir, options.onNote);
  } catch (error) {
    if (error instanceof LockedError) throw new BatchError(error.message);
    throw error;
  }
  try {
    return await gradeLocked(options, outDir, ids, gradedWith);
  } finally {
    unlock();
  }
}

async function gradeLocked(options: BatchOptions, outDir: string, ids: string[], gradedWith: GradedWith): Promise<SubmissionRecord[]> {
  const journal = join(outDir, JOURNAL);
  const dropped = repairJournal(journal);
  if (dropped > 0) options.onNote?.(`${relative(process.cwd(), journal)}: dropped ${dropped} unreadable line${dropped === 1 ? "" : "s"} (a batch was stopped while writing); ${dropped === 1 ? "its submission is" : "their submissions are"} graded again.`);
  const records = readJournal(journal);
  const todo: string[] = [];
  const again = new Map<string, string[]>();
  for (const [i, path] of options.submissions.entries()) {
    const id = ids[i] as string;
    const done = records.get(id);
    const reason = done === undefined ? undefined : regradeReason(done, gradedWith);
    if (done !== undefined && reason === undefined) options.onRecord?.(done, true);
    else todo.push(path);
    if (reason !== undefined) again.set(reason, [...(again.get(reason) ?? []), id]);
  }
  for (const [reason, which] of again) {
    options.onNote?.(`Grading again ${which.length} submission${which.length === 1 ? "" : "s"} ${reason}: ${which.slice(0, 5).join(", ")}${which.length > 5 ? ", ..." : ""}.`);
  }

  // One staging folder per output folder (and one batch per output folder, by the lock): a batch that
  // was killed left its stage behind, and the resumed run clears it first.
  const stageTop = join(tmpdir(), `ds-grade-${createHash("sha256").update(outDir).digest("hex").slice(0, 12)}`);
  rmSync(stageTop, { recursive: true, force: true });
  mkdirSync(stageTop, { recursive: true });
  const gradedNow = new Set<string>();
  let failure: { error: unknown } | undefined;
  try {
    let next = 0;
    const parallel = Math.max(1, Math.min(options.parallel ?? availableParallelism(), todo.length));
    // The machine's cores are shared out: a lone submission (Gradescope) gets them all.
    const workers = Math.max(1, Math.floor(availableParallelism() / parallel));
    const lane = async () => {
      while (next < todo.length && failure === undefined && !options.signal?.aborted) {
        const path = todo[next++] as string;
        try {
          const record = await gradeSubmission(path, join(stageTop, String(next)), options, workers, gradedWith);
          if (record === undefined) continue;
          // Durable before it counts: the journal line first (fsync), then the per-submission files.
          appendDurably(journal, `${JSON.stringify(record)}\n`);
          writeDurably(join(outDir, "results", `${record.id}.json`), `${JSON.stringify(record, null, 2)}\n`);
          records.set(record.id, record);
          gradedNow.add(record.id);
          writeDurably(join(outDir, GRADEBOOK), gradebookCsv([...records.values()]));
          options.onRecord?.(record, false);
        } catch (error) {
          // Recording failed (a full disk?): finish what is in flight, start nothing more, then say so.
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: parallel }, lane));
  } finally {
    rmSync(stageTop, { recursive: true, force: true });
  }
  // The gradebook holds every submission graded into this folder (the journal), not only this batch's.
  writeDurably(join(outDir, GRADEBOOK), gradebookCsv([...records.values()]));
  const all = ids.flatMap((id) => records.get(id) ?? []);
  if (failure !== undefined) throw failure.error;
  if (options.signal?.aborted) {
    throw new BatchInterrupted(String(options.signal.reason ?? "aborted"), gradedNow.size, todo.map(submissionId).filter((id) => !gradedNow.has(id)));
  }
  return all;
}

/**
 * Loads the instructor-only tests, if any, and checks --only against every test id: a broken suite or
 * a mistyped id would otherwise fail (or grade nothing of) every submission.
 */
async function checkTests(options: BatchOptions): Promise<void> {
  const suite = (await (options.entry.load as NonNullable<LabEntry["load"]>)()) as LabSuite<unknown>;
  const file = batchInstructorTests(options);
  let extra: LabTest<unknown>[] = [];
  if (file !== undefined) {
    try {
      extra = await importInstructorSuite(packInstructorSuite(file), suite, "file");
    } catch (error) {
      if (error instanceof InstructorSuiteError) throw new BatchError(`The instructor-only tests cannot be used, so nothing was graded: ${error.message}`);
      throw error;
    }
  }
  const all = [...suite.tests, ...extra];
  const known = new Set(all.map((t) => t.id));
  const unknown = (options.only ?? []).filter((id) => !known.has(id));
  if (unknown.length > 0) {
    const width = Math.max(...all.map((t) => t.id.length));
    throw new BatchError(
      `Lab ${suite.unit} has no test ${unknown.map((id) => JSON.stringify(id)).join(", ")}, so nothing was graded. --only takes these ids:\n` +
        all.map((t) => `  ${t.id.padEnd(width)}  ${t.name}`).join("\n") +
        (extra.length === 0 ? "" : `\n(the last ${extra.length} are instructor-only)`),
    );
  }
}

/** The instructor-only tests file a batch adds, if any (see BatchOptions.instructorTests). */
export function batchInstructorTests(options: Pick<BatchOptions, "entry" | "instructorTests">): string | undefined {
  if (options.instructorTests === false) return undefined;
  if (options.instructorTests !== undefined) return resolve(options.instructorTests);
  const file = instructorSuitePath(REPO_ROOT, options.entry.lab);
  return existsSync(file) ? file : undefined;
}

/**
 * Stages and grades one submission. Undefined when the batch's signal stopped it before it finished:
 * such a submission is not recorded.
 */
async function gradeSubmission(path: string, stageRoot: string, options: BatchOptions, workers: number, gradedWith: GradedWith): Promise<SubmissionRecord | undefined> {
  const instructorTests = batchInstructorTests(options);
  const id = submissionId(path);
  const started = performance.now();
  const base = { id, source: relative(process.cwd(), resolve(path)) || ".", score: 0, maxScore: 0, parts: {}, seeds: {}, outputBytes: 0, output: "", gradedWith };
  const took = () => Math.round(performance.now() - started);
  try {
    let staged;
    try {
      staged = await stageSubmission(path, options.entry.lab, stageRoot, options.limits);
    } catch (error) {
      if (!(error instanceof SubmissionError)) throw error;
      return { ...base, status: "not-found", detail: error.message, durationMs: took() };
    }
    if (options.signal?.aborted) return undefined;
    const request: GradeOneRequest = {
      lab: options.entry.lab,
      implDir: staged.implDir,
      label: join(base.source, staged.foundAt),
      root: staged.root,
      scratch: staged.scratch,
      deadlineMs: gradedWith.deadlineMs,
      memoryMb: gradedWith.memoryMb,
      workers,
      outputKeptBytes: OUTPUT_KEPT_BYTES,
      ...(options.seeds !== undefined ? { seeds: options.seeds } : {}),
      ...(options.only !== undefined ? { only: options.only } : {}),
      ...(instructorTests !== undefined ? { instructorTests } : {}),
      ...(options.practiceSeeds ? { mode: "practice" as const } : {}),
    };
    const outcome = await runChild(request, gradedWith.submissionDeadlineMs, options.signal);
    if ("interrupted" in outcome) return undefined;
    if ("error" in outcome) return { ...base, status: outcome.timedOut ? "timeout" : "grader-error", detail: outcome.error, durationMs: took() };
    const { result, outputBytes, output } = outcome.reply;
    fixReplays(result, staged.implDir, path, staged.foundAt);
    let { status, detail } = classify(result, outputBytes, options.outputCapBytes ?? 256 * 1024);
    if (status === "import-error" && staged.escapingImports.length > 0) {
      const shown = staged.escapingImports.slice(0, 3).join("; ");
      detail = `imports code from outside its lab folder (${shown}): a submission must hold all of its own code. ${detail}`;
    }
    const parts = practicePoints(result);
    const seeds = Object.fromEntries(result.tests.map((t) => [t.id, t.seeds]));
    const hidden = result.tests.filter((t) => t.instructorOnly);
    const instructorOnly = hidden.length === 0 ? {} : { instructorOnly: { points: sum(hidden.map((t) => t.points)), maxPoints: sum(hidden.map((t) => t.maxPoints)) } };
    return { ...base, status, detail, score: result.score, maxScore: result.maxScore, parts, ...instructorOnly, seeds, durationMs: took(), outputBytes, output, result };
  } catch (error) {
    // Not the submission's fault (a SubmissionError would be): recorded as the grader's, and a rerun
    // grades it again. The batch goes on with the others.
    if (options.signal?.aborted) return undefined;
    return { ...base, status: "grader-error", detail: `the batch grader failed on it: ${error instanceof Error ? error.message : String(error)}`, durationMs: took() };
  } finally {
    rmSync(stageRoot, { recursive: true, force: true });
  }
}

type ChildOutcome = { reply: GradeOneReply } | { error: string; timedOut: boolean } | { interrupted: true };

/** How long a grading process killed by a signal from outside waits for the batch to hear one too. */
const SIGNAL_GRACE_MS = 1000;

/**
 * Runs grade-one.ts in its own process group, so a deadline (or the batch's signal) can take down its
 * workers with it.
 */
function runChild(request: GradeOneRequest, deadlineMs: number, signal: AbortSignal | undefined): Promise<ChildOutcome> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ["--import", TSX_LOADER, GRADE_ONE, JSON.stringify(request)], {
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      detached: true,
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      if (stderr.length < 8192) stderr += chunk.toString();
    });
    let reply: GradeOneReply | undefined;
    let timedOut = false;
    const killGroup = () => {
      try {
        process.kill(-(child.pid as number), "SIGKILL");
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, deadlineMs);
    signal?.addEventListener("abort", killGroup, { once: true });
    child.on("message", (message: GradeOneReply) => (reply = message));
    child.on("close", async (code, signalName) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", killGroup);
      killGroup();
      if (reply !== undefined) return done({ reply });
      if (timedOut) return done({ error: `the whole submission did not finish grading within ${Math.round(deadlineMs / 1000)} s`, timedOut });
      // Stopping a batch (Ctrl-C, a container stopped) may reach its grading processes before the
      // batch itself: give the batch's own signal a moment to arrive before calling this an error.
      if (signal !== undefined && !signal.aborted && (signalName === "SIGINT" || signalName === "SIGTERM" || signalName === "SIGHUP")) await aborted(signal, SIGNAL_GRACE_MS);
      if (signal?.aborted) return done({ interrupted: true });
      done({ error: `grading process ended (${signalName ?? `exit code ${code}`}) without a result: ${stderr.trim().split("\n").slice(-5).join(" | ")}`, timedOut });
    });
  });
}

/** Resolves when `signal` fires or after `ms`, whichever is first. */
function aborted(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise((done) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), done()), { once: true });
  });
}

/**
 * Replay commands name the temporary stage; point them at the lab folder as the instructor has it:
 * inside a submission folder, the lab folder itself; inside an archive, where it will be once unpacked.
 */
function fixReplays(result: GradeResult, stagedDir: string, submission: string, foundAt: string): void {
  const staged = relative(process.cwd(), stagedDir);
  const source = relative(process.cwd(), resolve(submission)) || ".";
  const folder = statSync(submission).isDirectory() ? join(source, foundAt) : `<${basename(submission)}, unpacked>/${foundAt === "." ? "" : foundAt}`;
  const labFolder = /^[\w@%+=:,./-]+$/.test(folder) ? folder : `'${folder.replace(/'/g, `'\\''`)}'`;
  for (const test of result.tests) {
    if (test.failure) test.failure.replay = test.failure.replay.replace(staged, labFolder);
  }
}

function sum(values: number[]): number {
  return values.reduce((total, v) => total + v, 0);
}

/** Points per part from the practice tests (instructor-only points are counted on their own). */
function practicePoints(result: GradeResult): Record<string, number> {
  const parts: Record<string, number> = {};
  for (const test of result.tests) if (!test.instructorOnly) parts[test.part] = (parts[test.part] ?? 0) + test.points;
  return parts;
}

/**
 * One row per submission, sorted by id: id, status, points per part from the practice tests, the
 * instructor-only tests' points (when any were graded), total, max, seeds, detail. The parts and
 * the instructor-only column add up to the total.
 */
export function gradebookCsv(records: SubmissionRecord[]): string {
  const partsOf = (r: SubmissionRecord) => (r.result !== undefined ? practicePoints(r.result) : r.parts);
  const sorted = [...records].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const parts = [...new Set(sorted.flatMap((r) => Object.keys(partsOf(r))))].sort();
  const hidden = sorted.some((r) => r.instructorOnly !== undefined);
  const rows = [["id", "status", ...parts.map((p) => `part ${p}`), ...(hidden ? ["instructor-only"] : []), "total", "max", "seeds", "detail"]];
  for (const r of sorted) {
    const seeds = Object.entries(r.seeds)
      .map(([test, list]) => `${test}:${list.join(" ")}`)
      .join("; ");
    const points = partsOf(r);
    const instructorOnly = hidden ? [String(r.instructorOnly?.points ?? 0)] : [];
    rows.push([r.id, r.status, ...parts.map((p) => String(points[p] ?? 0)), ...instructorOnly, String(r.score), String(r.maxScore), seeds, r.detail]);
  }
  return rows.map((row) => row.map(csvCell).join(",")).join("\n") + "\n";
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
