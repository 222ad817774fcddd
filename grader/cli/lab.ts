/**
 * `npm run lab <unit> [-- options]`: grades an implementation of a lab and prints the report.
 * Exit status: 0 when every test passed, 1 when some failed, 2 when the lab could not be run.
 */
import { existsSync, watch as watchFolder } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";

const USAGE = `Usage: npm run lab <unit> [-- options]
  <unit> is a unit number (1) or a lab name (fallacies, 01-fallacies).

Options:
  --solution        grade the reference solution (solutions-private/<lab>)
  --impl <dir>      grade the implementation in <dir> (default: labs/<lab>)
  --instructor      add the lab's instructor-only tests (solutions-private/<lab>/instructor-suite.ts)
  --only <id>       run only this test (repeatable, or comma-separated ids)
  --seed <S>        run exactly seed S of each test (to replay a failure)
  --seeds <N>       run N seeds per test instead of each test's own count (a schedule-explorer
                    search runs once: it tries every schedule within its bounds, not one per seed)
  --grade           grading run: fresh random seeds instead of the fixed practice seeds
  --trace           write traces of failures (with --seed, of every run) to traces/<lab>/
                    (for a folder other than labs/<lab>, to a subfolder named for it)
  --verbose         also print what each test measured against its bounds
  --json            print the result as one JSON document on stdout (every seed of a failing
                    test runs, so it lists each failing seed; figures measured against bounds)
  --watch           grade again whenever a file in the implementation's folder changes
  --deadline <ms>   wall-clock time one seed may take (default 20000)
  --help            show this help

Examples:
  npm run lab 1
  npm run lab 1 -- --only channel-basic --seed 3 --trace
  npm run lab 5 -- --impl submissions/ada/labs/05-raft --instructor
`;

const MINIMUM_NODE = [22, 12] as const;

/** Thrown for anything that stops the lab from running at all (exit status 2). */
class CannotRun extends Error {}

// Checked before the grader is imported, so an old Node gets this message rather than a syntax error.
if (!nodeIsRecentEnough()) {
  process.stderr.write(
    `This course needs Node ${MINIMUM_NODE.join(".")} or newer; this is Node ${process.versions.node}.\n` +
      `Install a current Node (the repo's .nvmrc names the version: \`nvm use\`), then run the lab again.\n`,
  );
  process.exit(2);
}

const { LABS, findLab } = await import("../suites/index.js");
const { DEFAULT_DEADLINE_MS, GradeOptionsError, gradeLab } = await import("../runner/grade.js");
const { formatReport, progressBar, styleFor } = await import("../runner/report.js");
const { REPO_ROOT } = await import("../runner/typecheck.js");
const { instructorSuitePath } = await import("../runner/instructor-tests.js");
type GradeOptions = import("../runner/grade.js").GradeOptions;
type LabEntry = import("../suites/index.js").LabEntry;

interface Command {
  entry: LabEntry;
  grade: GradeOptions;
  json: boolean;
  watch: boolean;
  verbose: boolean;
}

// `npm run` runs scripts from the package root; work from where the learner typed the command, so
// that --impl paths and every path we print are relative to their own directory.
if (process.env.npm_lifecycle_event === "lab" && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

try {
  const command = parseCommand(process.argv.slice(2));
  if (command === "help") process.stdout.write(USAGE);
  else if (command.watch) await watchAndGrade(command);
  else process.exitCode = await gradeOnce(command);
} catch (error) {
  if (!(error instanceof CannotRun || error instanceof GradeOptionsError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 2;
}

function parseCommand(argv: string[]): Command | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        solution: { type: "boolean" },
        impl: { type: "string" },
        instructor: { type: "boolean" },
        only: { type: "string", multiple: true },
        seed: { type: "string" },
        seeds: { type: "string" },
        grade: { type: "boolean" },
        trace: { type: "boolean" },
        json: { type: "boolean" },
        verbose: { type: "boolean", short: "v" },
        watch: { type: "boolean" },
        deadline: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new CannotRun(`${(error as Error).message}\nRun \`npm run lab -- --help\` to see the options.`);
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  if (positionals.length !== 1) {
    throw new CannotRun(`${positionals.length === 0 ? "Which lab?" : `One lab at a time (got ${positionals.join(", ")}).`}\n\n${USAGE}\n${listLabs()}`);
  }
  const entry = findLab(positionals[0] as string);
  if (entry === undefined) throw new CannotRun(`There is no lab ${JSON.stringify(positionals[0])}.\n${listLabs()}`);
  if (entry.load === undefined) {
    const available = LABS.filter((l) => l.load !== undefined).map((l) => `${l.unit} (${l.title})`);
    throw new CannotRun(`Unit ${entry.unit} (${entry.title}) is coming; available now: ${available.join(", ")}.`);
  }

  if (values.solution && values.impl !== undefined) throw new CannotRun("Use --solution or --impl <dir>, not both.");
  if (values.seed !== undefined && values.seeds !== undefined) throw new CannotRun("Use --seed (one seed) or --seeds (how many), not both.");
  if (values.seed !== undefined && values.grade) throw new CannotRun("--seed replays one seed; --grade draws fresh ones. Use one or the other.");
  if (values.watch && values.json) throw new CannotRun("--watch prints a report on every save; it does not combine with --json.");

  const implDir = implementationFolder(entry, values.solution === true, values.impl);
  const grade: GradeOptions = {
    entry,
    implDir,
    implementationLabel: relative(process.cwd(), implDir) || ".",
    // A learner debugging with console.log sees it here as well as in the trace; batch grading never echoes.
    echoConsole: true,
    mode: values.grade ? "grading" : "practice",
    trace: values.trace === true,
    // A tool reading JSON gets every failing seed; a learner's report stops a test at its first.
    allSeeds: values.json === true,
    deadlineMs: values.deadline === undefined ? DEFAULT_DEADLINE_MS : wholeNumber("--deadline", values.deadline, 1),
  };
  if (values.seed !== undefined) grade.seed = wholeNumber("--seed", values.seed, 0);
  if (values.seeds !== undefined) grade.seeds = wholeNumber("--seeds", values.seeds, 1);
  if (values.instructor) grade.instructorTests = instructorTestsFile(entry);
  if (values.only !== undefined) grade.only = values.only.flatMap((ids) => ids.split(",")).map((id) => id.trim()).filter(Boolean);
  return { entry, grade, json: values.json === true, watch: values.watch === true, verbose: values.verbose === true };
}

function implementationFolder(entry: LabEntry, solution: boolean, impl: string | undefined): string {
  if (impl !== undefined) return resolve(impl);
  if (!solution) return join(REPO_ROOT, "labs", entry.lab);
  const folder = join(REPO_ROOT, "solutions-private", entry.lab);
  if (!existsSync(folder)) throw new CannotRun(`--solution: the reference solutions are not part of this copy of the course (${relative(process.cwd(), folder)} is missing).`);
  return folder;
}

function instructorTestsFile(entry: LabEntry): string {
  const file = instructorSuitePath(REPO_ROOT, entry.lab);
  if (!existsSync(file)) {
    const why = existsSync(join(REPO_ROOT, "solutions-private")) ? `Lab ${entry.unit} has none` : "they are not part of this copy of the course";
    throw new CannotRun(`--instructor: ${why} (${relative(process.cwd(), file)} is missing).`);
  }
  return file;
}

/** Grades once, prints the report (or JSON), and returns the exit status. */
async function gradeOnce(command: Command): Promise<number> {
  const bar = progressBar(process.stderr);
  let result;
  try {
    result = await gradeLab({ ...command.grade, onProgress: (done, total) => bar.update(done, total) });
  } finally {
    bar.clear();
  }
  if (command.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    const options = { verbose: command.verbose, traced: command.grade.trace === true };
    process.stdout.write(formatReport(result, await loadSuite(command.entry), styleFor(process.stdout), options));
  }
  if (result.loadError !== undefined) return 2;
  return result.tests.every((t) => t.passed) ? 0 : 1;
}

/** Grades, then again after every save (debounced, so that saving several files runs once). */
async function watchAndGrade(command: Command): Promise<void> {
  const folder = command.grade.implDir;
  if (!existsSync(folder)) throw new CannotRun(`--watch: ${relative(process.cwd(), folder) || "."} does not exist.`);
  let running = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  const run = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    if (process.stdout.isTTY) process.stdout.write("\x1b[2J\x1b[H");
    await gradeOnce(command);
    process.stderr.write(`\nWatching ${command.grade.implementationLabel} for changes (Ctrl-C to stop).\n`);
    running = false;
    if (again) {
      again = false;
      void run();
    }
  };
  // Fresh workers on every run re-import the learner's files, so each run sees the saved code.
  watchFolder(folder, { recursive: true }, () => {
    clearTimeout(timer);
    timer = setTimeout(() => void run(), 200);
  });
  await run();
}

/** The suite (already imported by the grading run, so this is a cache hit). */
async function loadSuite(entry: LabEntry) {
  return (entry.load as NonNullable<LabEntry["load"]>)();
}

function wholeNumber(flag: string, text: string, min: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) {
    throw new CannotRun(`${flag} needs a whole number${min > 0 ? ` of at least ${min}` : ""}, got ${JSON.stringify(text)}.`);
  }
  return value;
}

function listLabs(): string {
  const rows = LABS.map((l) => `  ${String(l.unit).padStart(2)}  ${l.lab.padEnd(20)} ${l.title}${l.load ? "" : "  (coming)"}`);
  return `The labs:\n${rows.join("\n")}`;
}

function nodeIsRecentEnough(): boolean {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  return major > MINIMUM_NODE[0] || (major === MINIMUM_NODE[0] && minor >= MINIMUM_NODE[1]);
}
