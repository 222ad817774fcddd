/**
 * `npm run grade -- --lab <unit> <submission ...>`: grades a batch of submissions (folders, .zip or
 * .tar.gz) with fresh seeds, each in its own process, and writes gradebook.csv, results.jsonl and one
 * results/<id>.json per submission (and junit.xml with --format junit). Run it again with the same
 * --out to resume a batch that was stopped: finished submissions are not graded twice.
 */
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { GRADEBOOK, gradeBatch, JOURNAL, writeDurably } from "../instructor/batch.js";
import { junitXml } from "../instructor/junit.js";
import { findLab } from "../suites/index.js";

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
`;

if (process.env.npm_lifecycle_event === "grade" && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

const { values, positionals } = parseArgs({
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
    help: { type: "boolean", short: "h" },
  },
});

if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const entry = values.lab === undefined ? undefined : findLab(values.lab);
if (entry?.load === undefined || positionals.length === 0 || (values.format !== undefined && values.format !== "junit")) {
  process.stderr.write(`${entry === undefined && values.lab !== undefined ? `There is no lab ${values.lab}.\n` : ""}${USAGE}`);
  process.exit(2);
}
const number = (text: string | undefined) => (text === undefined ? undefined : Number(text));
const outDir = resolve(values.out ?? join("grades", entry.lab));
const started = performance.now();
const records = await gradeBatch({
  entry,
  submissions: positionals,
  outDir,
  ...(values.parallel !== undefined ? { parallel: number(values.parallel) as number } : {}),
  ...(values.seeds !== undefined ? { seeds: number(values.seeds) as number } : {}),
  ...(values.only !== undefined ? { only: values.only.flatMap((o) => o.split(",")).filter(Boolean) } : {}),
  ...(values.deadline !== undefined ? { deadlineMs: number(values.deadline) as number } : {}),
  ...(values["submission-deadline"] !== undefined ? { submissionDeadlineMs: (number(values["submission-deadline"]) as number) * 1000 } : {}),
  ...(values.memory !== undefined ? { memoryMb: number(values.memory) as number } : {}),
  onRecord(record, skipped) {
    const score = `${record.score}/${record.maxScore}`.padStart(7);
    process.stdout.write(`${skipped ? "skipped (already graded)" : `graded in ${(record.durationMs / 1000).toFixed(1)} s`.padEnd(24)} ${score}  ${record.status.padEnd(16)} ${record.id}\n`);
  },
});
if (values.format === "junit") writeDurably(join(outDir, "junit.xml"), junitXml(entry.lab, records));
const out = relative(process.cwd(), outDir) || ".";
process.stdout.write(
  `\n${records.length} submissions in ${((performance.now() - started) / 1000).toFixed(1)} s: ${join(out, GRADEBOOK)}, ${join(out, JOURNAL)}, ${join(out, "results")}/` +
    `${values.format === "junit" ? `, ${join(out, "junit.xml")}` : ""}\n`,
);
