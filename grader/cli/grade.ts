/**
 * `npm run grade -- --lab <unit> <submission ...>`: grades a batch of submissions (folders, .zip or
 * .tar.gz) with fresh seeds, each in its own process, and writes gradebook.csv, results.jsonl and one
 * results/<id>.json per submission (and junit.xml with --format junit). Run it again with the same
 * --out to resume a batch that was stopped: submissions graded with the same options are not graded
 * twice. Ctrl-C (SIGINT) or SIGTERM stops it cleanly: what was graded stays recorded, what was in
 * flight is not recorded, so the rerun grades it.
 */
import { constants } from "node:os";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { BatchError, BatchInterrupted, batchInstructorTests, GRADEBOOK, gradeBatch, JOURNAL, readJournal, writeDurably } from "../instructor/batch.js";
import { LIMITS } from "../instructor/contents.js";
import { junitXml } from "../instructor/junit.js";
import { LOCK } from "../instructor/lock.js";
import { selfTest } from "../instructor/self-test.js";
import { instructorSuitePath } from "../runner/instructor-tests.js";
import { REPO_ROOT } from "../runner/typecheck.js";
import { findLab, LABS, type LabEntry } from "../suites/index.js";

const USAGE = `Usage: npm run grade -- --lab <unit> [options] <submission ...>
  Each submission is a folder, .zip or .tar.gz holding a learner's lab folder.

Options:
  --out <dir>                  where results go (default grades/<lab>); rerun with the same --out to resume
  --parallel <N>               submissions graded at once (default: the machine's cores)
  --seeds <N>                  seeds per test instead of each test's own count
  --only <id>                  grade only these tests (repeatable or comma-separated)
  --deadline <ms>              wall-clock time one seed may take (default 10000)
  --submission-deadline <s>    wall-clock time one submission may take (default 900)
  --memory <MB>                heap limit of each grading worker (default 512)
  --format junit               also write junit.xml
  --self-test                  grade the lab's sample submissions (the reference, every bug-zoo variant, and
                               one broken submission of each kind) and check every result; run it once on a
                               new machine before grading a cohort (default out: grades/<lab>-self-test)
  --practice-only              leave out the instructor-only tests
  --instructor-tests <file>    instructor-only tests to add (default: solutions-private/<lab>/instructor-suite.ts
                               when it exists)

Rerun the same command to resume a stopped batch: submissions already graded with the same options
are skipped; those graded with other options, or recorded as grader-error, are graded again. Ctrl-C
stops a batch without recording the submissions in flight. One batch at a time may use an output
folder (it holds ${LOCK} while grading).

A submission may hold only regular files and folders (no links, named pipes or devices), at most
${LIMITS.maxEntries} of them and ${LIMITS.maxBytes / (1024 * 1024)} MB in all, and an archive's paths must stay inside it.
Anything else is refused (status not-found, with the reason), never created, followed or unpacked.

The lab's instructor-only tests are graded too when solutions-private/<lab>/instructor-suite.ts exists:
they count toward the score. The gradebook's columns are the practice points per part, then the
instructor-only points, then the total (their sum); it lists every submission graded into --out.

Guard rails: submissions run under Node's permission model (reads of their own folder and the grader
only, writes only to a temporary folder, no child processes). That is a seat belt against accidents
and casual snooping, not a security boundary: grade untrusted cohorts in a container (Gradescope
runs each submission in one).
`;

if (process.env.npm_lifecycle_event === "grade" && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

/** Bad input: the message says what to do; the exit status is 2 and nothing was graded or lost. */
function usageError(message: string): never {
  process.stderr.write(`${message}\nRun \`npm run grade -- --help\` to see the options.\n`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      lab: { type: "string" },
      out: { type: "string" },
      parallel: { type: "string" },
      seeds: { type: "string" },
      only: { type: "string", multiple: true },
      deadline: { type: "string" },
      "submission-deadline": { type: "string" },
      memory: { type: "string" },
      format: { type: "string" },
      "practice-only": { type: "boolean" },
      "instructor-tests": { type: "string" },
      "self-test": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
} catch (error) {
  usageError((error as Error).message);
}
const { values, positionals } = parsed;

if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (values.lab === undefined) usageError("Which lab? Name it with --lab <unit>, e.g. --lab 1.");
const entry = findLab(values.lab);
if (entry === undefined) usageError(`There is no lab ${JSON.stringify(values.lab)}. The labs are ${LABS.map((l) => l.unit).join(", ")}.`);
if (entry.load === undefined) usageError(`Unit ${entry.unit} (${entry.title}) has no lab to grade yet.`);
if (positionals.length === 0 && !values["self-test"]) usageError("Which submissions? Name one or more folders, .zip or .tar.gz files after the options (or check this machine first with --self-test).");
if (values.format !== undefined && values.format !== "junit") usageError(`--format takes only "junit", got ${JSON.stringify(values.format)}.`);
if (values["practice-only"] && values["instructor-tests"] !== undefined) usageError("Use --practice-only or --instructor-tests <file>, not both.");
const whole = (flag: string, text: string | undefined, min = 1): number | undefined => {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) usageError(`${flag} needs a whole number of at least ${min}, got ${JSON.stringify(text)}.`);
  return value;
};
if (values["self-test"]) {
  if (positionals.length > 0) usageError("--self-test grades the lab's own sample submissions: name no submissions with it.");
  await runSelfTest(entry);
  process.exit(process.exitCode ?? 0);
}
const options = {
  parallel: whole("--parallel", values.parallel),
  seeds: whole("--seeds", values.seeds),
  deadlineMs: whole("--deadline", values.deadline),
  submissionDeadlineS: whole("--submission-deadline", values["submission-deadline"]),
  memoryMb: whole("--memory", values.memory, 64),
};
const instructorTests = values["practice-only"] ? false : values["instructor-tests"];
const shownTests = batchInstructorTests({ entry, ...(instructorTests !== undefined ? { instructorTests } : {}) });
process.stdout.write(
  shownTests === undefined
    ? `Lab ${entry.unit}: practice tests only${values["practice-only"] ? "" : ` (no ${relative(process.cwd(), instructorSuitePath(REPO_ROOT, entry.lab))})`}\n`
    : `Lab ${entry.unit}: practice tests and the instructor-only tests in ${relative(process.cwd(), shownTests)}\n`,
);
const outDir = resolve(values.out ?? join("grades", entry.lab));
const started = performance.now();
// Ctrl-C or SIGTERM: stop grading, record nothing half-done, and say how to resume. A second one
// stops at once.
const stop = new AbortController();
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (stop.signal.aborted) process.exit(128 + constants.signals[signal]);
    process.stderr.write(`\n${signal}: stopping; submissions in progress are not recorded (${signal === "SIGINT" ? "Ctrl-C again" : "a second signal"} stops at once).\n`);
    stop.abort(signal);
  });
}
let records;
try {
  records = await gradeBatch({
    entry,
    submissions: positionals,
    outDir,
    ...(options.parallel !== undefined ? { parallel: options.parallel } : {}),
    ...(options.seeds !== undefined ? { seeds: options.seeds } : {}),
    ...(values.only !== undefined ? { only: values.only.flatMap((o) => o.split(",")).filter(Boolean) } : {}),
    ...(options.deadlineMs !== undefined ? { deadlineMs: options.deadlineMs } : {}),
    ...(options.submissionDeadlineS !== undefined ? { submissionDeadlineMs: options.submissionDeadlineS * 1000 } : {}),
    ...(options.memoryMb !== undefined ? { memoryMb: options.memoryMb } : {}),
    ...(instructorTests !== undefined ? { instructorTests } : {}),
    signal: stop.signal,
    onNote(message) {
      process.stdout.write(`note: ${message}\n`);
    },
    onRecord(record, skipped) {
      const score = `${record.score}/${record.maxScore}`.padStart(7);
      process.stdout.write(`${skipped ? "skipped (already graded)" : `graded in ${(record.durationMs / 1000).toFixed(1)} s`.padEnd(24)} ${score}  ${record.status.padEnd(16)} ${record.id}\n`);
    },
  });
} catch (error) {
  if (error instanceof BatchInterrupted) {
    process.stderr.write(`${error.message}\n`);
    process.exit(128 + (constants.signals[error.reason as NodeJS.Signals] ?? 2));
  }
  if (!(error instanceof BatchError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
}
if (values.format === "junit") writeDurably(join(outDir, "junit.xml"), junitXml(entry.lab, records));
const out = relative(process.cwd(), outDir) || ".";
const inFolder = readJournal(join(outDir, JOURNAL)).size;
process.stdout.write(
  `\n${records.length} submissions in ${((performance.now() - started) / 1000).toFixed(1)} s: ${join(out, GRADEBOOK)}, ${join(out, JOURNAL)}, ${join(out, "results")}/` +
    `${values.format === "junit" ? `, ${join(out, "junit.xml")}` : ""}\n` +
    (inFolder > records.length ? `The gradebook lists all ${inFolder} submissions graded into ${out}, ${inFolder - records.length} of them by earlier runs.\n` : ""),
);

/** --self-test: grades the samples, prints each verdict, and sets the exit status (1 if any is wrong). */
async function runSelfTest(lab: LabEntry): Promise<void> {
  const outDir = resolve(values.out ?? join("grades", `${lab.lab}-self-test`));
  const started = performance.now();
  process.stdout.write(`Self-test of Lab ${lab.unit}: grading its sample submissions in ${relative(process.cwd(), outDir) || "."}/samples\n`);
  let rows;
  try {
    rows = await selfTest({
      entry: lab,
      outDir,
      ...(values.parallel !== undefined ? { parallel: whole("--parallel", values.parallel) as number } : {}),
      onRecord(record) {
        process.stdout.write(`  graded in ${(record.durationMs / 1000).toFixed(1).padStart(5)} s  ${`${record.score}/${record.maxScore}`.padStart(7)}  ${record.status.padEnd(16)} ${record.id}\n`);
      },
    });
  } catch (error) {
    if (!(error instanceof BatchError) && !/not part of this copy/.test((error as Error).message)) throw error;
    process.stderr.write(`The self-test needs ${(error as Error).message}\n`);
    process.exit(2);
  }
  const width = Math.max(...rows.map((r) => r.sample.length));
  process.stdout.write("\n");
  for (const row of rows) {
    process.stdout.write(`${row.ok ? "PASS" : "FAIL"}  ${row.sample.padEnd(width)}  expected ${row.expected}; got ${row.got.split("\n")[0]?.slice(0, 160)}\n`);
  }
  const wrong = rows.filter((r) => !r.ok).length;
  const took = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `\n${rows.length - wrong} of ${rows.length} samples graded as expected in ${took} s; gradebook: ${join(relative(process.cwd(), outDir) || ".", GRADEBOOK)}\n` +
      (wrong === 0 ? "The grading pipeline works on this machine.\n" : `${wrong} did not: the grader or this machine's setup is not grading as it should.\n`),
  );
  process.exitCode = wrong === 0 ? 0 : 1;
}
