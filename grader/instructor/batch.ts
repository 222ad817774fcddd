/**
 * Batch grading: many submissions of one lab, each in its own child process (grade-one.ts) with a
 * deadline, several at once. Every finished submission is appended to `results.jsonl` and flushed to
 * disk before anything else happens, so a batch that is killed resumes where it stopped: submissions
 * with a record are skipped, the others (including any that were in flight) are graded.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, tmpdir } from "node:os";
import { basename, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { GradeResult } from "../runner/grade.js";
import { importInstructorSuite, InstructorSuiteError, instructorSuitePath, packInstructorSuite } from "../runner/instructor-tests.js";
import { REPO_ROOT } from "../runner/typecheck.js";
import type { LabEntry } from "../suites/index.js";
import type { GradeOneReply, GradeOneRequest } from "./grade-one.js";
import { classify, type Status } from "./status.js";
import { stageSubmission, SubmissionError, submissionId } from "./submissions.js";

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
  onRecord?(record: SubmissionRecord, skipped: boolean): void;
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
  /** Points per part, e.g. { A: 20, B: 35 }. */
  parts: Record<string, number>;
  /** Points from instructor-only tests (also counted in `parts` and `score`), when they were graded. */
  instructorOnly?: { points: number; maxPoints: number };
  /** Fresh grading seeds, per test id. */
  seeds: Record<string, number[]>;
  durationMs: number;
  outputBytes: number;
  /** The start of its console output. */
  output: string;
  result?: GradeResult;
}

/** A batch that cannot start (its message says what to fix); nothing was graded or lost. */
export class BatchError extends Error {}

export const JOURNAL = "results.jsonl";
export const GRADEBOOK = "gradebook.csv";
const OUTPUT_KEPT_BYTES = 16 * 1024;

const GRADE_ONE = fileURLToPath(new URL("./grade-one.ts", import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;

export async function gradeBatch(options: BatchOptions): Promise<SubmissionRecord[]> {
  const outDir = resolve(options.outDir);
  mkdirSync(join(outDir, "results"), { recursive: true });
  const ids = options.submissions.map(submissionId);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate !== undefined) throw new BatchError(`Two submissions share the id ${JSON.stringify(duplicate)} (${options.submissions.filter((p) => submissionId(p) === duplicate).join(", ")}): rename one.`);

  // A broken instructor suite would fail every submission the same way: say so once, before grading.
  const instructorTests = batchInstructorTests(options);
  if (instructorTests !== undefined) {
    try {
      await importInstructorSuite(packInstructorSuite(instructorTests), await (options.entry.load as NonNullable<LabEntry["load"]>)(), "file");
    } catch (error) {
      if (error instanceof InstructorSuiteError) throw new BatchError(`The instructor-only tests cannot be used, so nothing was graded: ${error.message}`);
      throw error;
    }
  }

  const records = readJournal(join(outDir, JOURNAL));
  for (const id of ids) {
    const done = records.get(id);
    if (done !== undefined) options.onRecord?.(done, true);
  }
  const todo = options.submissions.filter((path) => !records.has(submissionId(path)));
  // One staging folder per output folder: a batch that was killed left its stage behind, and the
  // resumed run clears it first.
  const stageTop = join(tmpdir(), `ds-grade-${createHash("sha256").update(outDir).digest("hex").slice(0, 12)}`);
  rmSync(stageTop, { recursive: true, force: true });
  mkdirSync(stageTop, { recursive: true });
  try {
    let next = 0;
    const parallel = Math.max(1, Math.min(options.parallel ?? availableParallelism(), todo.length));
    // The machine's cores are shared out: a lone submission (Gradescope) gets them all.
    const workers = Math.max(1, Math.floor(availableParallelism() / parallel));
    const lane = async () => {
      while (next < todo.length) {
        const path = todo[next++] as string;
        const record = await gradeSubmission(path, join(stageTop, String(next)), options, workers);
        // Durable before it counts: the journal line first (fsync), then the per-submission files.
        appendDurably(join(outDir, JOURNAL), `${JSON.stringify(record)}\n`);
        writeDurably(join(outDir, "results", `${record.id}.json`), `${JSON.stringify(record, null, 2)}\n`);
        records.set(record.id, record);
        writeDurably(join(outDir, GRADEBOOK), gradebookCsv(ids.flatMap((id) => records.get(id) ?? [])));
        options.onRecord?.(record, false);
      }
    };
    await Promise.all(Array.from({ length: parallel }, lane));
  } finally {
    rmSync(stageTop, { recursive: true, force: true });
  }
  const all = ids.flatMap((id) => records.get(id) ?? []);
  writeDurably(join(outDir, GRADEBOOK), gradebookCsv(all));
  return all;
}

/** Records already in the journal. A torn last line (the batch died mid-write) is ignored. */
export function readJournal(file: string): Map<string, SubmissionRecord> {
  const records = new Map<string, SubmissionRecord>();
  if (!existsSync(file)) return records;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      const record = JSON.parse(line) as SubmissionRecord;
      records.set(record.id, record);
    } catch {
      // Only the last line can be torn, and its submission was not recorded: it is graded again.
    }
  }
  return records;
}

/** The instructor-only tests file a batch adds, if any (see BatchOptions.instructorTests). */
export function batchInstructorTests(options: Pick<BatchOptions, "entry" | "instructorTests">): string | undefined {
  if (options.instructorTests === false) return undefined;
  if (options.instructorTests !== undefined) return resolve(options.instructorTests);
  const file = instructorSuitePath(REPO_ROOT, options.entry.lab);
  return existsSync(file) ? file : undefined;
}

async function gradeSubmission(path: string, stageRoot: string, options: BatchOptions, workers: number): Promise<SubmissionRecord> {
  const instructorTests = batchInstructorTests(options);
  const id = submissionId(path);
  const started = performance.now();
  const base = { id, source: relative(process.cwd(), resolve(path)) || ".", score: 0, maxScore: 0, parts: {}, seeds: {}, outputBytes: 0, output: "" };
  let staged;
  try {
    staged = stageSubmission(path, options.entry.lab, stageRoot);
  } catch (error) {
    if (!(error instanceof SubmissionError)) throw error;
    return { ...base, status: "not-found", detail: error.message, durationMs: Math.round(performance.now() - started) };
  }
  try {
    const request: GradeOneRequest = {
      lab: options.entry.lab,
      implDir: staged.implDir,
      label: join(base.source, staged.foundAt),
      root: staged.root,
      scratch: staged.scratch,
      deadlineMs: options.deadlineMs ?? 10_000,
      memoryMb: options.memoryMb ?? 512,
      workers,
      outputKeptBytes: OUTPUT_KEPT_BYTES,
      ...(options.seeds !== undefined ? { seeds: options.seeds } : {}),
      ...(options.only !== undefined ? { only: options.only } : {}),
      ...(instructorTests !== undefined ? { instructorTests } : {}),
      ...(options.practiceSeeds ? { mode: "practice" as const } : {}),
    };
    const outcome = await runChild(request, options.submissionDeadlineMs ?? 15 * 60_000);
    const durationMs = Math.round(performance.now() - started);
    if ("error" in outcome) return { ...base, status: outcome.timedOut ? "timeout" : "grader-error", detail: outcome.error, durationMs };
    const { result, outputBytes, output } = outcome.reply;
    fixReplays(result, staged.implDir, path, staged.foundAt);
    let { status, detail } = classify(result, outputBytes, options.outputCapBytes ?? 256 * 1024);
    if (status === "import-error" && staged.escapingImports.length > 0) {
      const shown = staged.escapingImports.slice(0, 3).join("; ");
      detail = `imports code from outside its lab folder (${shown}): a submission must hold all of its own code. ${detail}`;
    }
    const parts: Record<string, number> = {};
    for (const test of result.tests) parts[test.part] = (parts[test.part] ?? 0) + test.points;
    const seeds = Object.fromEntries(result.tests.map((t) => [t.id, t.seeds]));
    const hidden = result.tests.filter((t) => t.instructorOnly);
    const instructorOnly = hidden.length === 0 ? {} : { instructorOnly: { points: sum(hidden.map((t) => t.points)), maxPoints: sum(hidden.map((t) => t.maxPoints)) } };
    return { ...base, status, detail, score: result.score, maxScore: result.maxScore, parts, ...instructorOnly, seeds, durationMs, outputBytes, output, result };
  } finally {
    rmSync(stageRoot, { recursive: true, force: true });
  }
}

type ChildOutcome = { reply: GradeOneReply } | { error: string; timedOut: boolean };

/** Runs grade-one.ts in its own process group, so a deadline can take down its workers with it. */
function runChild(request: GradeOneRequest, deadlineMs: number): Promise<ChildOutcome> {
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
    child.on("message", (message: GradeOneReply) => (reply = message));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      killGroup();
      if (reply !== undefined) done({ reply });
      else if (timedOut) done({ error: `the whole submission did not finish grading within ${Math.round(deadlineMs / 1000)} s`, timedOut });
      else done({ error: `grading process ended (${signal ?? `exit code ${code}`}) without a result: ${stderr.trim().split("\n").slice(-5).join(" | ")}`, timedOut });
    });
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

function appendDurably(file: string, text: string): void {
  const fd = openSync(file, "a");
  try {
    appendFileSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes a temporary file, flushes it, then renames it over `file`: readers see old or new, never half. */
export function writeDurably(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, "w");
  try {
    writeFileSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

/**
 * One row per submission: id, status, points per part, total, max, seeds, detail; and, when
 * instructor-only tests were graded, the points they gave (already included in the parts and total).
 */
export function gradebookCsv(records: SubmissionRecord[]): string {
  const parts = [...new Set(records.flatMap((r) => Object.keys(r.parts)))].sort();
  const hidden = records.some((r) => r.instructorOnly !== undefined);
  const rows = [["id", "status", ...parts.map((p) => `part ${p}`), ...(hidden ? ["instructor-only"] : []), "total", "max", "seeds", "detail"]];
  for (const r of records) {
    const seeds = Object.entries(r.seeds)
      .map(([test, list]) => `${test}:${list.join(" ")}`)
      .join("; ");
    const instructorOnly = hidden ? [String(r.instructorOnly?.points ?? 0)] : [];
    rows.push([r.id, r.status, ...parts.map((p) => String(r.parts[p] ?? 0)), ...instructorOnly, String(r.score), String(r.maxScore), seeds, r.detail]);
  }
  return rows.map((row) => row.map(csvCell).join(",")).join("\n") + "\n";
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
