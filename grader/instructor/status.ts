/**
 * How a submission's grading run went, as one status an instructor can sort a gradebook by. The
 * score says how good the submission is; the status says whether it could be graded normally.
 */
import type { GradeResult } from "../runner/grade.js";

export type Status =
  | "ok"
  | "compile-error"
  | "missing-export"
  | "import-error"
  | "timeout"
  | "out-of-memory"
  | "output-flood"
  | "process-exit"
  | "forbidden-access"
  | "not-found"
  | "grader-error";

export const STATUS_MEANING: Record<Status, string> = {
  ok: "graded normally",
  "compile-error": "does not parse, so no test ran",
  "missing-export": "loads but lacks an export the lab needs, so no test ran",
  "import-error": "threw while being imported, so no test ran",
  timeout: "missed a wall-clock deadline (an infinite loop?)",
  "out-of-memory": "exhausted its memory limit",
  "output-flood": "printed more console output than the cap",
  "process-exit": "called process.exit (graded workers that predate confinement; confined code has no process)",
  "forbidden-access": "reached for what lab code does not have (process, require, Node's modules, files, network): confined, it has no way to, and Node's permission model stands behind that",
  "not-found": "the submission holds no lab folder, or could not be unpacked",
  "grader-error": "the grading process itself failed (a bug in the grader: please report it)",
};

/** Failure text that identifies a kind of misbehaviour, most serious first. */
const SIGNS: [Status, RegExp][] = [
  ["forbidden-access", /ERR_ACCESS_DENIED|Access to this API has been restricted|lab code runs confined|may not use Node's modules/],
  ["output-flood", /logged more than \d+ MB in one run/],
  ["process-exit", /called process\.exit/],
  ["out-of-memory", /ran out of memory/],
  ["timeout", /did not finish within/],
];

export interface Classified {
  status: Status;
  /** One line: what happened, e.g. the first matching failure. */
  detail: string;
}

export function classify(result: GradeResult, outputBytes: number, outputCapBytes: number): Classified {
  const messages = result.loadError !== undefined ? [result.loadError] : result.tests.flatMap((t) => (t.failure ? [`${t.id}: ${t.failure.message}`] : []));
  for (const [status, sign] of SIGNS) {
    const hit = messages.find((m) => sign.test(m));
    // A load error's first line only names the file ("could not load …:"); the reason is the line that matched.
    if (hit !== undefined) return { status, detail: firstLine(hit.split("\n").find((line) => sign.test(line)) ?? hit) };
  }
  if (outputBytes > outputCapBytes) {
    return { status: "output-flood", detail: `printed ${megabytes(outputBytes)} of console output (cap ${megabytes(outputCapBytes)}); the first part is kept` };
  }
  if (result.loadError !== undefined) {
    const error = result.loadError;
    if (/does not provide what Lab|is missing\. Lab/.test(error)) return { status: "missing-export", detail: firstLine(error.split("\n").slice(1).join("\n") || error) };
    if (/could not compile|SyntaxError|TransformError|ERR_INVALID_TYPESCRIPT_SYNTAX|Expected|Unexpected token/.test(error)) return { status: "compile-error", detail: firstLine(error.split("\n").slice(1).join("\n")) };
    return { status: "import-error", detail: firstLine(error.split("\n").slice(1).join("\n") || error) };
  }
  return { status: "ok", detail: `${result.tests.filter((t) => t.passed).length} of ${result.tests.length} tests passed` };
}

function firstLine(text: string): string {
  return (text.split("\n").find((line) => line.trim() !== "") ?? "").trim().slice(0, 300);
}

function megabytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
