/**
 * The terminal report of a grading run: a progress bar while it runs, then one line per test grouped
 * by part, each failure with its seed, message and replay command, and a closing `Score: X/Y`.
 * Decoration (colour, ✓/✗, the bar) appears only on a terminal, so logs and pipes get plain text.
 */
import type { GradeResult, TestResult } from "./grade.js";
import type { LabSuite } from "./suite.js";

export interface ReportStyle {
  /** ANSI colours. */
  color: boolean;
  /** ✓ and ✗ instead of PASS and FAIL. */
  symbols: boolean;
}

/** The style for stdout: decorated on a terminal, unless NO_COLOR or FORCE_COLOR=0 says no colour. */
export function styleFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): ReportStyle {
  const tty = stream.isTTY === true;
  return { color: tty && !env.NO_COLOR && env.FORCE_COLOR !== "0", symbols: tty };
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
export function formatReport(result: GradeResult, suite: Pick<LabSuite, "unit" | "parts">, style: ReportStyle): string {
  const paint = (code: string) => (text: string) => (style.color ? `\x1b[${code}m${text}\x1b[0m` : text);
  const bold = paint("1");
  const dim = paint("2");
  const red = paint("31");
  const green = paint("32");
  const yellow = paint("33");

  const lines: string[] = [];
  const seeds = result.mode === "grading" ? "grading run: fresh seeds" : "practice run: fixed seeds";
  lines.push(bold(`Lab ${suite.unit}: ${result.title}`), dim(`${result.implementation} (${seeds})`), "");

  if (result.loadError !== undefined) {
    lines.push(red(`${result.implementation} could not be loaded, so no test ran:`), indent(result.loadError, 2), "");
  } else {
    const nameWidth = Math.max(...result.tests.map((t) => t.name.length));
    const idWidth = Math.max(...result.tests.map((t) => t.id.length));
    for (const [part, tests] of groupByPart(result.tests)) {
      lines.push(bold(`Part ${part}: ${suite.parts[part] ?? ""}`.trimEnd()));
      for (const test of tests) {
        const mark = test.passed ? green(style.symbols ? "✓" : "PASS") : red(style.symbols ? "✗" : "FAIL");
        const score = `${test.points}/${test.maxPoints}`;
        const tag = test.instructorOnly ? dim("  (instructor-only)") : "";
        lines.push(`  ${mark} ${test.name.padEnd(nameWidth)}  ${dim(test.id.padEnd(idWidth))}  ${score}${tag}`);
        if (test.failure) lines.push(...describeFailure(test, dim));
        else if (test.trace) lines.push(dim(`      trace: ${test.trace}`));
      }
      lines.push("");
    }
  }

  if (result.typeErrors !== undefined && result.typeErrors.length > 0) {
    lines.push(yellow(`Type errors (warnings: the code still ran, but these often explain a failure):`));
    for (const error of result.typeErrors) lines.push(indent(error, 2));
    lines.push("");
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
