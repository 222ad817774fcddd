/**
 * `npm run check -- <history-file> [options]`: checks a recorded history for linearizability
 * (register, cas-register, kv, set) or transactional isolation (list-append, rw-register) and
 * prints the verdict with its explanation. Exit status: 0 ok, 1 violation, 2 unknown or input
 * that could not be read (the message names the line). A linearizability search has a wall-clock
 * budget (60 s unless --timeout says otherwise) and optionally a step budget; running out of either
 * is "unknown", never "ok". Bad option values and unreadable files get one line on stderr.
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { formatHintFromName, parseHistory, type RecordedOp } from "../check/history-formats/index.js";
import { checkIsolation, type IsolationResult, type Workload } from "../check/isolation/index.js";
import { type AnyModel, casRegisterModelWith, checkLinearizability, type LinearizabilityResult, MODELS, registerModelWith } from "../check/linearizability/index.js";

const USAGE = `Usage: npm run check -- <history-file> [options]
  Reads the simulator's JSON history, Jepsen/Elle JSON or EDN, or Jepsen log lines.

Options:
  --model <m>                register | cas-register | kv | set | list-append | rw-register
                             (default: guessed from the operations)
  --json                     print {verdict, model, operations, anomalies?, explanation?, durationMs}
  --no-partition             linearizability: do not check keys separately
  --timeout <duration>       linearizability: wall-clock budget, e.g. 90s, 5m, 500ms (a bare number
                             is seconds; 0: no limit). Default 60s. Over it: unknown, never ok
  --timeout-ms <n>           the same budget in milliseconds
  --max-steps <n>            linearizability: search budget in steps (deterministic); over it: unknown
  --failed-cas <how>         cas-register: a failed cas means "no-effect" (default) or "mismatch"
  --consistency-models <m,m> isolation: models to check (default strict-serializable)
  --anomalies <a,a>          isolation: further anomalies to report (e.g. G0)
  --wfr-keys --sequential-keys --linearizable-keys
                             rw-register: assumptions that reveal more of the version order
  --help                     show this help

Exit status: 0 ok, 1 violation, 2 unknown or unreadable input.
`;

export interface CheckOutput {
  code: 0 | 1 | 2;
  stdout: string;
  stderr: string;
}

const ISOLATION = new Set(["list-append", "rw-register"]);

/** The wall-clock budget when none is given: long enough for 100,000-operation registers (well under a second). */
export const DEFAULT_TIMEOUT_MS = 60_000;


function positiveInteger(option: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) throw new Error(`${option} must be a positive whole number, got ${JSON.stringify(text)}`);
  return n;
}

/** Milliseconds from `--timeout` (unit ms, s or m; bare: seconds) or `--timeout-ms`; 0 means no limit. */
function timeoutMs(values: { timeout?: string | undefined; "timeout-ms"?: string | undefined }): number | undefined {
  const { timeout, "timeout-ms": ms } = values;
  if (timeout !== undefined && ms !== undefined) throw new Error("give --timeout or --timeout-ms, not both");
  let value = DEFAULT_TIMEOUT_MS;
  if (ms !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(ms.trim())) throw new Error(`--timeout-ms must be a number of milliseconds (0: no limit), got ${JSON.stringify(ms)}`);
    value = Number(ms);
  }
  if (timeout !== undefined) {
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(timeout.trim());
    if (!m) throw new Error(`--timeout must be a duration such as 90s, 5m or 500ms (0: no limit), got ${JSON.stringify(timeout)}`);
    value = Number(m[1]) * (m[2] === "ms" ? 1 : m[2] === "m" ? 60_000 : 1000);
  }
  return value === 0 ? undefined : value;
}

const seconds = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/** Runs the command on `argv` (without node and script), reading files with `read`. */
export function runCheck(argv: string[], read: (path: string) => string = (p) => readFileSync(p, "utf8")): CheckOutput {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (e) {
    return { code: 2, stdout: "", stderr: `check: ${(e as Error).message}\n\n${USAGE}` };
  }
  if (args.values.help) return { code: 0, stdout: USAGE, stderr: "" };
  const file = args.positionals[0];
  if (!file) return { code: 2, stdout: "", stderr: `check: which history file?\n\n${USAGE}` };

  // Option values first: a typo must not wait for a long file to be read.
  let budget: { maxSteps?: number; timeoutMs?: number };
  try {
    budget = {};
    const maxSteps = args.values["max-steps"];
    if (maxSteps !== undefined) budget.maxSteps = positiveInteger("--max-steps", maxSteps);
    const ms = timeoutMs(args.values);
    if (ms !== undefined) budget.timeoutMs = ms;
  } catch (e) {
    return { code: 2, stdout: "", stderr: `check: ${(e as Error).message}\n` };
  }

  let ops: RecordedOp[];
  try {
    ops = parseHistory(read(file), formatHintFromName(file)).ops;
  } catch (e) {
    return { code: 2, stdout: "", stderr: `check: cannot read ${file}: ${(e as Error).message.split("\n")[0]}\n` };
  }
  const modelName = args.values.model ?? guessModel(ops);
  if (!modelName) return { code: 2, stdout: "", stderr: `check: cannot tell which model ${file} uses; pass --model\n` };
  if (!ISOLATION.has(modelName) && !MODELS[modelName]) return { code: 2, stdout: "", stderr: `check: unknown model ${modelName}\n\n${USAGE}` };

  const started = performance.now();
  try {
    if (ISOLATION.has(modelName)) {
      const list = (s: string | undefined): string[] | undefined => (s === undefined ? undefined : s.split(",").map((x) => x.trim()).filter(Boolean));
      const options: Parameters<typeof checkIsolation>[1] = { workload: modelName as Workload };
      const models = list(args.values["consistency-models"]);
      if (models) options.consistencyModels = models;
      const anomalies = list(args.values.anomalies);
      if (anomalies) options.anomalies = anomalies;
      if (args.values["wfr-keys"]) options.wfrKeys = true;
      if (args.values["sequential-keys"]) options.sequentialKeys = true;
      if (args.values["linearizable-keys"]) options.linearizableKeys = true;
      const r = checkIsolation(ops, options);
      return report(args.values.json === true, modelName, r.transactions, r.verdict, performance.now() - started, r);
    }
    let model: AnyModel = MODELS[modelName] as AnyModel;
    const failedCas = args.values["failed-cas"];
    if (failedCas !== undefined && failedCas !== "mismatch" && failedCas !== "no-effect") throw new Error(`--failed-cas must be mismatch or no-effect`);
    if (failedCas && modelName === "cas-register") model = casRegisterModelWith({ failedCas });
    if (failedCas && modelName === "register") model = registerModelWith({ failedCas });
    const options: Parameters<typeof checkLinearizability>[2] = { ...budget };
    if (args.values["no-partition"]) options.partition = false;
    const r = checkLinearizability(ops, model, options);
    return report(args.values.json === true, modelName, r.operations, r.verdict, performance.now() - started, r, unknownReason(r, budget, args.values.timeout === undefined && args.values["timeout-ms"] === undefined));
  } catch (e) {
    return { code: 2, stdout: "", stderr: `check: ${(e as Error).message}\n` };
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: "string" },
      json: { type: "boolean" },
      "no-partition": { type: "boolean" },
      "max-steps": { type: "string" },
      timeout: { type: "string" },
      "timeout-ms": { type: "string" },
      "failed-cas": { type: "string" },
      "consistency-models": { type: "string" },
      anomalies: { type: "string" },
      "wfr-keys": { type: "boolean" },
      "sequential-keys": { type: "boolean" },
      "linearizable-keys": { type: "boolean" },
      help: { type: "boolean" },
    },
  });
}

/** Guesses the model from the operation names and values. */
export function guessModel(ops: readonly RecordedOp[]): string | undefined {
  const fs = new Set(ops.map((o) => o.f));
  const txn = ops.find((o) => Array.isArray(o.value) && o.value.length > 0 && Array.isArray(o.value[0]));
  if (txn && Array.isArray(txn.value)) {
    const mopNames = new Set(ops.flatMap((o) => (Array.isArray(o.value) ? o.value.map((m) => (Array.isArray(m) ? String(m[0]) : "")) : [])));
    if (mopNames.has("append")) return "list-append";
    if (mopNames.has("w")) return "rw-register";
    return "list-append";
  }
  if (fs.has("txn")) return "list-append";
  if (fs.has("cas")) return "cas-register";
  if (fs.has("get") || fs.has("put") || fs.has("append")) return "kv";
  if (fs.has("add")) return "set";
  if (fs.has("read") || fs.has("write")) return "register";
  return undefined;
}

/** Why a linearizability check ended "unknown": which budget ran out, and how to give it more. */
function unknownReason(r: LinearizabilityResult, budget: { maxSteps?: number; timeoutMs?: number }, defaultTimeout: boolean): string | undefined {
  if (r.verdict !== "unknown") return undefined;
  const spent = `after ${r.steps.toLocaleString("en-US")} search steps`;
  if (r.exhausted === "steps") return `The search used its budget of ${budget.maxSteps?.toLocaleString("en-US")} steps (--max-steps) ${spent} without an answer. This is not a pass: raise --max-steps to decide.`;
  const limit = seconds(budget.timeoutMs ?? 0);
  return `The search ran out of its time budget of ${limit}${defaultTimeout ? " (the default)" : ""} ${spent} without an answer. This is not a pass: give it longer with --timeout (e.g. --timeout 10m; 0: no limit), or check a shorter history.`;
}

function report(json: boolean, model: string, operations: number, verdict: "ok" | "violation" | "unknown", durationMs: number, r: LinearizabilityResult | IsolationResult, reason?: string): CheckOutput {
  const code = verdict === "ok" ? 0 : verdict === "violation" ? 1 : 2;
  if (json) {
    const doc: Record<string, unknown> = { verdict, model, operations };
    if ("anomalyTypes" in r) {
      if (r.anomalyTypes.length > 0) doc.anomalies = r.anomalies;
      doc.anomalyTypes = r.anomalyTypes;
      doc.not = r.not;
      doc.satisfied = r.satisfied;
      if (r.explanation.length > 0) doc.explanation = r.explanation;
    } else {
      if (r.explanation) doc.explanation = r.explanation;
      doc.partitions = r.partitions;
      doc.steps = r.steps;
      if (reason) doc.reason = reason;
    }
    doc.durationMs = Math.round(durationMs * 10) / 10;
    return { code, stdout: `${JSON.stringify(doc, null, 2)}\n`, stderr: "" };
  }
  const lines: string[] = [];
  const what = "anomalyTypes" in r ? "transactions" : "operations";
  lines.push(`${verdict.toUpperCase()}: ${model}, ${operations} ${what}, checked in ${durationMs.toFixed(0)} ms`);
  if ("anomalyTypes" in r) {
    if (r.anomalyTypes.length > 0) lines.push(`Anomalies: ${r.anomalyTypes.join(", ")}`);
    if (r.not.length > 0) lines.push(`Not: ${r.not.join(", ")}`);
    lines.push(`Still possible (strongest): ${r.satisfied.join(", ") || "none"}`);
    for (const e of r.explanation) lines.push("", e);
  } else if (r.explanation) {
    const x = r.explanation;
    lines.push("", x.message, "", `Longest linearizable prefix (${x.linearizedPrefix.length} operations), last few:`);
    for (const p of x.linearizedPrefix.slice(-8)) lines.push(`  process ${p.op.process}: ${p.op.operation}  [entries ${p.op.invokedAt}..${p.op.completedAt ?? "end"}]  -> ${p.stateAfter}`);
    lines.push(`Cannot place: process ${x.cannotPlace.process}: ${x.cannotPlace.operation}  [entries ${x.cannotPlace.invokedAt}..${x.cannotPlace.completedAt ?? "end"}]`);
    lines.push(`States it could have observed: ${x.couldHaveObserved.join("; ")}`);
    if (x.concurrent.length > 0) lines.push(`Concurrent with it: ${x.concurrent.map((c) => `process ${c.process}: ${c.operation}`).join("; ")}`);
  } else if (verdict === "unknown") {
    lines.push(reason ?? "The search ran out of budget before finding an answer.");
  }
  return { code, stdout: `${lines.join("\n")}\n`, stderr: "" };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = runCheck(process.argv.slice(2));
  process.stdout.write(out.stdout);
  process.stderr.write(out.stderr);
  process.exitCode = out.code;
}
