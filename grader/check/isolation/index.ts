/**
 * Transactional isolation checking, Elle-style (public API).
 *
 *   checkIsolation(history, { workload: "list-append" | "rw-register", ...options }) -> IsolationResult
 *
 * Options: consistencyModels (default ["strict-serializable"]): the models the history should
 * satisfy; anomalies (default []): further anomalies to look for; for rw-register, the version-
 * order assumptions wfrKeys / sequentialKeys / linearizableKeys; maxSearchSteps: a deterministic
 * budget for cycle search (running out gives "cycle-search-timeout" and at best "unknown").
 *
 * Result: { verdict: "ok" | "violation" | "unknown", workload, transactions, anomalyTypes,
 *           anomalies: {type: cases}, not, satisfied, explanation }
 *  - anomalyTypes: the anomalies found that the chosen models forbid (and "empty-transaction-
 *    graph" when there was nothing to order, which makes the verdict "unknown"), named as Elle
 *    names them: G0, G1a, G1b, G1c, G-single-item, G2-item (and -process / -realtime variants),
 *    lost-update, internal, incompatible-order, duplicate-elements, dirty-update, future-read,
 *    cyclic-versions, <model>-cycle-exists.
 *  - not: the weakest models the history violates; satisfied: the strongest models (from read-
 *    uncommitted up to strict-serializable) it still satisfies, as far as these checks can tell.
 *  - explanation: one paragraph per anomaly; cycles list their transactions, edges, keys, values.
 */
import type { Json } from "../../sim/api.js";
import type { RecordedOp } from "../history-formats/index.js";
import { CYCLE_EXISTS_TYPES, CYCLE_TYPES, type CycleCase, findCycles } from "./cycles.js";
import { analyseListAppend } from "./list-append.js";
import { analyseRwRegister, type RwRegisterOptions } from "./rw-register.js";
import { anomaliesImplying, anomaliesProhibitedBy, impossibleModels, isKnownModel, LADDER, strongest, UNKNOWN_ANOMALIES, weakest } from "./taxonomy.js";
import { addProcessEdges, addRealtimeEdges, type Txn, transactionsFrom } from "./transactions.js";

export type { CycleCase, CycleStep, CycleExistsCase } from "./cycles.js";
export type { Txn, Mop } from "./transactions.js";
export { transactionsFrom } from "./transactions.js";

export type Workload = "list-append" | "rw-register";

export interface IsolationOptions extends RwRegisterOptions {
  workload: Workload;
  consistencyModels?: string[];
  anomalies?: string[];
  maxSearchSteps?: number;
}

export interface TxnSummary {
  id: number;
  process: string;
  type: "ok" | "info" | "fail";
  /** `index` of its completion in the history. */
  index: number;
  value: Json;
}

export interface IsolationResult {
  verdict: "ok" | "violation" | "unknown";
  workload: Workload;
  transactions: number;
  anomalyTypes: string[];
  anomalies: Record<string, unknown[]>;
  not: string[];
  satisfied: string[];
  explanation: string[];
}

export function checkIsolation(history: readonly RecordedOp[], options: IsolationOptions): IsolationResult {
  return checkTransactions(transactionsFrom(history), options);
}

export function checkTransactions(txns: readonly Txn[], options: IsolationOptions): IsolationResult {
  const models = options.consistencyModels ?? ["strict-serializable"];
  for (const m of models) if (!isKnownModel(m)) throw new Error(`unknown consistency model ${JSON.stringify(m)}`);
  const prohibited = new Set([...anomaliesImplying(options.anomalies ?? []), ...anomaliesProhibitedBy(models)]);
  const reportable = new Set([...prohibited, ...UNKNOWN_ANOMALIES]);

  const analysis = options.workload === "list-append" ? analyseListAppend(txns) : analyseRwRegister(txns, options);
  const { graph } = analysis;
  const found = new Map(analysis.anomalies);
  const wants = (suffix: string): boolean => [...reportable].some((a) => CYCLE_TYPES.has(a) && a.endsWith(suffix));
  if (wants("-realtime")) addRealtimeEdges(graph, txns);
  else if (wants("-process")) addProcessEdges(graph, txns);
  if (graph.edgeCount() === 0) found.set("empty-transaction-graph", [true]);

  const budget = { left: options.maxSearchSteps ?? 50_000_000, exhausted: false };
  const search = findCycles(graph, analysis.explain, budget);
  for (const c of search.cycles) found.set(c.type, [...(found.get(c.type) ?? []), describeCycle(c, txns)]);
  for (const c of search.exists) found.set(c.type, [...(found.get(c.type) ?? []), { ...c, scc: c.scc.map((id) => summary(txns[id] as Txn)) }]);
  if (search.timedOut) found.set("cycle-search-timeout", [{ message: "the cycle search ran out of budget" }]);

  // Keep what the chosen models care about; drop "a cycle exists" when a specific anomaly already rules that model out.
  const kept = [...found.keys()].filter((t) => reportable.has(t));
  const specificallyRuledOut = impossibleModels(kept.filter((t) => !CYCLE_EXISTS_TYPES.has(t)));
  const anomalyTypes = kept.filter((t) => !CYCLE_EXISTS_TYPES.has(t) || !specificallyRuledOut.has(CYCLE_EXISTS_TYPES.get(t) as string)).sort();
  const anomalies: Record<string, unknown[]> = {};
  for (const t of anomalyTypes) anomalies[t] = found.get(t) as unknown[];

  const impossible = impossibleModels(found.keys());
  const verdict = anomalyTypes.some((t) => prohibited.has(t)) ? "violation" : anomalyTypes.length > 0 ? "unknown" : "ok";
  return {
    verdict,
    workload: options.workload,
    transactions: txns.length,
    anomalyTypes,
    anomalies,
    not: weakest(impossible),
    satisfied: strongest(LADDER.filter((m) => !impossible.has(m))),
    explanation: anomalyTypes.flatMap((t) => (anomalies[t] as unknown[]).slice(0, 3).map((c) => explain(t, c, txns))),
  };
}

function summary(t: Txn): TxnSummary {
  return { id: t.id, process: t.process, type: t.type, index: t.index, value: t.mops as Json };
}

function describeCycle(c: CycleCase, txns: readonly Txn[]): unknown {
  return { type: c.type, cycle: c.cycle.map((id) => summary(txns[id] as Txn)), steps: c.steps };
}

const show = (v: unknown): string => JSON.stringify(v);
const name = (t: Txn | undefined): string => (t ? `T${t.id} (process ${t.process}, ${show(t.mops)})` : "T?");

function explain(type: string, c: unknown, txns: readonly Txn[]): string {
  const x = c as { [k: string]: unknown };
  if (Array.isArray(x.steps)) {
    const cycle = x.cycle as TxnSummary[];
    const parts = (x.steps as { from: number; to: number; rel: string; key?: Json; value?: Json; value2?: Json }[]).map((s) => {
      const a = `T${s.from}`;
      const b = `T${s.to}`;
      switch (s.rel) {
        case "ww":
          return `${a} -ww-> ${b}: on key ${show(s.key)}, ${b} wrote ${show(s.value2)} after ${a} wrote ${show(s.value)}`;
        case "wr":
          return `${a} -wr-> ${b}: ${b} read ${show(s.value2)} from key ${show(s.key)}, written by ${a}`;
        case "rw":
          return `${a} -rw-> ${b}: ${a} read key ${show(s.key)} at ${show(s.value)} and missed ${b}'s later write ${show(s.value2)}`;
        case "process":
          return `${a} -process-> ${b}: the same client ran ${a} and then ${b}`;
        default:
          return `${a} -realtime-> ${b}: ${a} completed before ${b} began`;
      }
    });
    const who = [...new Map(cycle.map((t) => [t.id, t])).values()].map((t) => `T${t.id} = process ${t.process}: ${show(t.value)}`).join("; ");
    return `${type}: a dependency cycle ${cycle.map((t) => `T${t.id}`).join(" -> ")} (${who}). ${parts.join(". ")}. No serial order can put each transaction after the ones it depends on.`;
  }
  if (Array.isArray(x.scc)) {
    const scc = x.scc as TxnSummary[];
    return (
      `${type}: ${x.not as string} forbids cycles made of ${x.subgraph as string} edges, and ${scc.length === 1 ? "transaction" : "transactions"} ` +
      `${scc.map((t) => `T${t.id} (process ${t.process}: ${show(t.value)})`).join(", ")} ${scc.length === 1 ? "reaches itself that way" : "form such a cycle"}; ` +
      "no specific anomaly named above explains it."
    );
  }
  const t = typeof x.txn === "number" ? txns[x.txn] : undefined;
  switch (type) {
    case "internal":
      return `internal: ${name(t)} read key ${show(x.key)} = ${show(x.read)} but its own earlier operations imply ${show(x.expected)}.`;
    case "future-read":
      return `future-read: ${name(t)} read element ${show(x.element)} of key ${show(x.key)} before appending it itself.`;
    case "G1a":
      return `G1a (aborted read): ${name(t)} read ${show(x.element ?? x.value)} on key ${show(x.key)}, written by failed transaction T${show(x.writer)}.`;
    case "G1b":
      return `G1b (intermediate read): ${name(t)} read ${show(x.element ?? x.value)} on key ${show(x.key)}, an intermediate write of T${show(x.writer)} (not its final value).`;
    case "duplicate-elements":
      return `duplicate-elements: ${name(t)} read key ${show(x.key)} = ${show(x.read)}, which contains ${show(x.duplicates)} more than once.`;
    case "incompatible-order":
      return `incompatible-order: reads of key ${show(x.key)} saw ${show((x.values as Json[])[0])} and ${show((x.values as Json[])[1])}; neither is a prefix of the other, so no single order of appends explains both.`;
    case "lost-update":
      return `lost-update: transactions ${(x.txns as number[]).map((i) => `T${i}`).join(", ")} all read key ${show(x.key)} = ${show(x.value)} and all wrote it; all but one update was lost.`;
    case "dirty-update":
      return `dirty-update: on key ${show(x.key)}, committed T${show(x.txn)} wrote right after failed T${show(x.failed)}'s write.`;
    case "cyclic-versions":
      return `cyclic-versions: assuming ${show(x.assumption)}, the versions ${show(x.versions)} of key ${show(x.key)} would have to precede each other.`;
    case "empty-transaction-graph":
      return "empty-transaction-graph: no dependencies between transactions could be inferred, so nothing could be checked for cycles.";
    default:
      return `${type}: ${show(c)}`;
  }
}
