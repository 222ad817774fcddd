/**
 * The terminal report of a grading run: a progress bar while it runs, then one line per test grouped
 * by part with the seeds it ran, each failure with its seed, message and replay command, and a
 * closing `Score: X/Y`. The words are the same everywhere (PASS and FAIL, as the handouts show them);
 * only colour and the bar depend on the terminal, so logs and pipes get the same text, undecorated.
 */
import type { Figure, GradeResult, TestResult } from "./grade.js";
import type { LabSuite } from "./suite.js";

export interface ReportStyle {
  /** ANSI colours. */
  color: boolean;
}

/** What else the report says, beyond the result. */
export interface ReportOptions {
  /** Each test's measured figures against their bounds (`--verbose`). */
  verbose?: boolean;
  /** Traces were asked for (`--trace`): say what was written, and why no more. */
  traced?: boolean;
}

/** The style for stdout: colour on a terminal, unless NO_COLOR or FORCE_COLOR=0 says no colour. */
export function styleFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): ReportStyle {
  return { color: stream.isTTY === true && !env.NO_COLOR && env.FORCE_COLOR !== "0" };
}

/** A progress bar on `stream`, redrawn in place; does nothing unless `stream` is a terminal. */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): { update(done: number, total: number): void; clear(): void } {
  if (stream.isTTY !== true) return { update() {}, clear() {} };
  const WIDTH = 30;
  let drawn = false;
  return {
    update(done, total) {
      const filled = total === 0 ? WIDTH : Math.round((done / total) * WIDTH);
      stream.write(`\r  [${"#".repeat(filled)}${"-".repeat(WIDTH - filled)}] ${done}/${total} seeds`);
      drawn = true;
    },
    clear() {
      if (drawn) stream.write("\r\x1b[2K");
      drawn = false;
    },
  };
}

/** The report for `result`; `suite` supplies the unit number and the parts' titles. */
export function formatReport(result: GradeResult, suite: Pick<LabSuite, "unit" | "parts">, style: ReportStyle, options: ReportOptions = {}): string {
  const paint = (code: string) => (text: string) => (style.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const bold = paint("1");
  const dim = paint("2");
  const red = paint("31");
  const green = paint("32");
  const yellow = paint("33");

  const lines: string[] = [];
  lines.push(bold(`Lab ${suite.unit}: ${result.title}`), dim(`${result.implementation} (${describeRun(result)})`), "");

  if (result.loadError !== undefined) {
    lines.push(red(`${result.implementation} could not be loaded, so no test ran:`), indent(result.loadError, 2), "");
  } else {
    const nameWidth = Math.max(...result.tests.map((t) => t.name.length));
    const idWidth = Math.max(...result.tests.map((t) => t.id.length));
    const scoreWidth = Math.max(...result.tests.map((t) => `${t.points}/${t.maxPoints}`.length));
    for (const [part, tests] of groupByPart(result.tests)) {
      lines.push(bold(`Part ${part}: ${suite.parts[part] ?? ""}`.trimEnd()));
      for (const test of tests) {
        const mark = test.passed ? green("PASS") : red("FAIL");
        const score = `${test.points}/${test.maxPoints}`;
        const tag = test.instructorOnly ? dim("  (instructor-only)") : "";
        const pad = " ".repeat(scoreWidth - score.length);
        // Short seed lists (practice, replay) fit on the test's line; fresh grading seeds get their own.
        const seeds = seedWords(test);
        const inline = seeds.length <= 16;
        lines.push(`  ${mark} ${test.name.padEnd(nameWidth)}  ${dim(test.id.padEnd(idWidth))}  ${score}${inline ? `${pad}${dim(`  ${seeds}`)}` : ""}${tag}`);
        if (!inline) lines.push(dim(`      ${seeds}`));
        if (test.once !== undefined) lines.push(dim(`      ran once: ${test.once.replace(/: run once$/, "")}`));
        if (test.failure) lines.push(...describeFailure(test, dim));
        else if (test.trace) lines.push(dim(`      trace: ${test.trace}`));
        if (options.verbose) lines.push(...describeFigures(test, dim, red));
      }
      lines.push("");
    }
  }

  if (result.typeErrors !== undefined && result.typeErrors.length > 0) {
    lines.push(yellow(result.loadError === undefined ? "Type errors (warnings: the code still ran, but these often explain a failure):" : "Type errors (they may explain why it could not be loaded):"));
    for (const error of result.typeErrors) lines.push(indent(error, 2));
    lines.push("");
  }

  if (options.traced && result.loadError === undefined) lines.push(dim(traceNote(result, suite.unit)), "");
  if (options.verbose && result.loadError === undefined && !result.tests.some((t) => t.figures !== undefined)) {
    lines.push(dim("No test of this run measured a figure against a bound."), "");
  }

  const passed = result.tests.filter((t) => t.passed).length;
  const took = `${(result.durationMs / 1000).toFixed(1)} s`;
  lines.push(dim(result.loadError === undefined ? `${passed} of ${result.tests.length} tests passed in ${took}` : `no test ran (${took})`));
  // Unstyled even on a terminal: scripts look for this exact line.
  lines.push(`Score: ${result.score}/${result.maxScore}`);
  return lines.join("\n") + "\n";
}

function describeFailure(test: TestResult, dim: (text: string) => string): string[] {
  const failure = test.failure;
  if (failure === undefined) return [];
  const where = [
    `seed ${failure.seed}`,
    ...(failure.time !== undefined ? [`t=${failure.time} ms`] : []),
    ...(failure.node !== undefined ? [`node ${failure.node}`] : []),
  ].join(", ");
  // Failures the pool reports (deadline, memory) already begin with "seed N"; don't say it twice.
  const lines = failure.message.startsWith(`${where} `)
    ? [indent(failure.message, 6)]
    : [`      ${where}:`, indent(failure.message, 8)];
  const others = (test.failures ?? []).slice(1).map((f) => f.seed);
  if (others.length > 0) lines.push(dim(`      also failed on ${plural(others.length, "seed")} ${others.join(", ")}`));
  if (test.notRun !== undefined) {
    // A seed stopped by the deadline or the memory limit stops the rest even with --json (grade.ts).
    const why = /did not finish within|ran out of memory/.test(failure.message) ? "a seed out of time or memory stops the rest" : "--json runs every seed";
    lines.push(dim(`      not run after that failure: ${plural(test.notRun.length, "seed")} ${compactSeeds(test.notRun)} (${why})`));
  }
  lines.push(`      replay: ${failure.replay}`);
  if (failure.trace) lines.push(dim(`      trace: ${failure.trace}`));
  lines.push(`      diagram: ${diagramCommand(failure.replay, failure.trace)}`);
  return lines;
}

/**
 * The one command that opens this failure's space-time diagram (grader/cli/trace.ts): the trace when
 * it was written, otherwise the replay's own arguments, which that command runs with --trace first.
 */
function diagramCommand(replay: string, trace: string | undefined): string {
  if (trace !== undefined) return `npm run trace -- ${/^[\w@%+=:,./-]+$/.test(trace) ? trace : `'${trace.replace(/'/g, `'\\''`)}'`}`;
  return replay.replace(/^npm run lab (\S+) -- /, "npm run trace -- $1 ").replace(/ --trace(?= |$)/, "");
}

/** The run's kind, in the header: which seeds, and whether the instructor-only tests ran. */
export function describeRun(result: Pick<GradeResult, "mode" | "seed" | "tests">): string {
  const run = result.seed !== undefined ? `replay: seed ${result.seed} of each test` : result.mode === "grading" ? "grading run: fresh random seeds" : "practice run: fixed seeds";
  return result.tests.some((t) => t.instructorOnly) ? `${run}; with the instructor-only tests` : run;
}

/** "seeds 1-5", "seed 7", "seeds 913879114 1176015796 ...": which seeds the test ran (or was to run). */
function seedWords(test: TestResult): string {
  return `${plural(test.seeds.length, "seed")} ${compactSeeds(test.seeds)}`;
}

/** Runs of consecutive seeds as ranges ("1-5"), the rest one by one. */
function compactSeeds(seeds: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < seeds.length; ) {
    let j = i;
    while (j + 1 < seeds.length && (seeds[j + 1] as number) === (seeds[j] as number) + 1) j++;
    parts.push(j - i >= 2 ? `${seeds[i]}-${seeds[j]}` : seeds.slice(i, j + 1).join(" "));
    i = j + 1;
  }
  return parts.join(" ");
}

/** "messages per broadcast: worst 2.4 (seed 3); bound: at most 3". */
function describeFigures(test: TestResult, dim: (text: string) => string, red: (text: string) => string): string[] {
  return (test.figures ?? []).map((f) => {
    const line = `      ${f.name}: worst ${formatFigure(f.worst, f)} (seed ${f.seed}); bound: ${describeBound(f)}`;
    return f.within ? dim(line) : red(`${line}  (outside the bound)`);
  });
}

function describeBound(f: Figure): string {
  const parts = [];
  if (f.bound.atLeast !== undefined) parts.push(`at least ${formatFigure(f.bound.atLeast, f)}`);
  if (f.bound.atMost !== undefined) parts.push(`at most ${formatFigure(f.bound.atMost, f)}`);
  return parts.join(" and ") || "none";
}

function formatFigure(value: number, f: Figure): string {
  const text = Number.isInteger(value) ? value.toLocaleString("en-US") : String(Number(value.toPrecision(4)));
  return f.bound.unit ? `${text} ${value === 1 ? singular(f.bound.unit) : f.bound.unit}` : text;
}

/** "1 run", "1 entry", but "1 ms" and "1 s": units are written in the plural. */
function singular(unit: string): string {
  if (unit.length <= 2 || !unit.endsWith("s")) return unit;
  return unit.endsWith("ies") ? `${unit.slice(0, -3)}y` : unit.slice(0, -1);
}

/** What --trace wrote, and why a passing test was not traced. */
function traceNote(result: GradeResult, unit: number): string {
  const written = result.tests.filter((t) => t.trace !== undefined || t.failure?.trace !== undefined).length;
  if (result.seed !== undefined) return `--trace wrote ${written} ${plural(written, "trace")}: one per test, of seed ${result.seed}.`;
  const how = `a passing test is traced only when you name a seed (npm run lab ${unit} -- --only <id> --seed <S> --trace)`;
  if (written === 0) return `--trace wrote no trace: every test passed, and without --seed only failures are traced; ${how}.`;
  return `--trace wrote ${written} ${plural(written, "trace")}, one per failing test (of its lowest failing seed); ${how}.`;
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

/** Tests by part, in the order the parts first appear in the suite. */
function groupByPart(tests: TestResult[]): Map<string, TestResult[]> {
  const groups = new Map<string, TestResult[]>();
  for (const test of tests) groups.set(test.part, [...(groups.get(test.part) ?? []), test]);
  return groups;
}

function indent(text: string, spaces: number): string {
  const pad = " ".repeat(spaces);
  return text
    .split("\n")
    .map((line) => (line.trim() === "" ? "" : pad + line))
    .join("\n");
}
