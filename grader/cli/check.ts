/**
 * `npm run check -- <history-file> [options]`: checks a recorded history for linearizability
 * (register, cas-register, kv, set) or transactional isolation (list-append, rw-register) and
 * prints the verdict with its explanation. Exit status: 0 ok, 1 violation, 2 unknown or input
 * that could not be read (the message names the line).
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { HistoryParseError, parseHistory, type RecordedOp } from "../check/history-formats/index.js";
import { checkIsolation, type IsolationResult, type Workload } from "../check/isolation/index.js";
import { type AnyModel, casRegisterModelWith, checkLinearizability, type LinearizabilityResult, MODELS, registerModelWith } from "../check/linearizability/index.js";

const USAGE = `Usage: npm run check -- <history-file> [options]
  Reads the simulator's JSON history, Jepsen/Elle JSON or EDN, or Jepsen log lines.

Options:
  --model <m>                register | cas-register | kv | set | list-append | rw-register
                             (default: guessed from the operations)
  --json                     print {verdict, model, operations, anomalies?, explanation?, durationMs}
  --no-partition             linearizability: do not check keys separately
  --max-steps <n>            linearizability: search budget in steps (deterministic); over it: unknown
  --timeout-ms <n>           linearizability: wall-clock budget; over it: unknown
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

  let ops: RecordedOp[];
  try {
    ops = parseHistory(read(file)).ops;
  } catch (e) {
    if (e instanceof HistoryParseError) return { code: 2, stdout: "", stderr: `check: cannot read ${file}: ${e.message}\n` };
    return { code: 2, stdout: "", stderr: `check: cannot read ${file}: ${(e as Error).message}\n` };
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
    const options: Parameters<typeof checkLinearizability>[2] = {};
    if (args.values["no-partition"]) options.partition = false;
    if (args.values["max-steps"] !== undefined) options.maxSteps = Number(args.values["max-steps"]);
    if (args.values["timeout-ms"] !== undefined) options.timeoutMs = Number(args.values["timeout-ms"]);
    const r = checkLinearizability(ops, model, options);
    return report(args.values.json === true, modelName, r.operations, r.verdict, performance.now() - started, r);
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

function report(json: boolean, model: string, operations: number, verdict: "ok" | "violation" | "unknown", durationMs: number, r: LinearizabilityResult | IsolationResult): CheckOutput {
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
    lines.push("The search ran out of budget before finding an answer.");
  }
  return { code, stdout: `${lines.join("\n")}\n`, stderr: "" };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = runCheck(process.argv.slice(2));
  process.stdout.write(out.stdout);
  process.stderr.write(out.stderr);
  process.exitCode = out.code;
}
