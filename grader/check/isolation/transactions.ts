/**
 * Transactions as the isolation checkers see them: a list of micro-operations `[f, key, value]`
 * (list-append: "append" / "r"; rw-register: "w" / "r"), the client process, and how it ended.
 * Also the order edges every workload shares: process order and real-time order.
 */
import type { Json } from "../../sim/api.js";
import { HistoryParseError, pairOperations, type RecordedOp } from "../history-formats/index.js";
import { type DepGraph, PROCESS, REALTIME } from "./graph.js";

export type Mop = [f: string, key: Json, value: Json];

export interface Txn {
  /** Position among the transactions (graph node id for ok/info ones). */
  id: number;
  process: string;
  type: "ok" | "info" | "fail";
  mops: Mop[];
  /** Positions of invocation and completion in the history (completion Infinity if unknown). */
  invokeIndex: number;
  completeIndex: number;
  /** The `index` field of the completion entry. */
  index: number;
}

/** A primitive standing for a key or value, for use in Maps. */
export type Atom = string | number | boolean | null;
export const atom = (v: Json): Atom => (v !== null && typeof v === "object" ? `\u0000${JSON.stringify(v)}` : v);
/** The value an atom stands for. */
export const unatom = (a: Atom): Json => (typeof a === "string" && a.startsWith("\u0000") ? (JSON.parse(a.slice(1)) as Json) : a);

/** Records one case of an anomaly. */
export function addCase(anomalies: Map<string, unknown[]>, type: string, c: unknown): void {
  const list = anomalies.get(type);
  if (list) list.push(c);
  else anomalies.set(type, [c]);
}

export function transactionsFrom(history: readonly RecordedOp[]): Txn[] {
  const out: Txn[] = [];
  for (const p of pairOperations(history)) {
    const value = p.value;
    if (!Array.isArray(value)) {
      throw new HistoryParseError(p.invokeIndex + 1, `process ${p.process}: a transaction's value must be a list of [f, key, value] micro-operations`, JSON.stringify(value));
    }
    const mops = value.map((m) => {
      if (!Array.isArray(m) || m.length < 2) throw new HistoryParseError(p.invokeIndex + 1, "a micro-operation must be [f, key, value]", JSON.stringify(m));
      return (m.length === 3 && typeof m[0] === "string" ? m : [String(m[0]), m[1] as Json, (m[2] ?? null) as Json]) as Mop;
    });
    out.push({ id: 0, process: p.process, type: p.type, mops, invokeIndex: p.invokeIndex, completeIndex: p.completeIndex, index: p.index });
  }
  out.sort((a, b) => a.invokeIndex - b.invokeIndex);
  for (let i = 0; i < out.length; i++) (out[i] as Txn).id = i;
  return out;
}

/**
 * Real-time edges: a -> b when a completed (ok) before b was invoked. Only the frontier of most
 * recent completions is linked to each new transaction, which keeps the graph small while
 * preserving reachability.
 */
export function addRealtimeEdges(g: DepGraph, txns: readonly Txn[]): void {
  // History positions are distinct integers: index events by position instead of sorting.
  let end = 0;
  for (const t of txns) if (t.type === "ok") end = Math.max(end, t.completeIndex + 1);
  const at = new Int32Array(end).fill(-1);
  for (const t of txns) {
    if (t.type !== "ok") continue;
    at[t.invokeIndex] = t.id;
    at[t.completeIndex] = t.id;
  }
  const frontier = new Set<number>();
  const preds = new Map<number, number[]>();
  for (let i = 0; i < end; i++) {
    const id = at[i] as number;
    if (id === -1) continue;
    const ps = preds.get(id);
    if (ps === undefined) {
      preds.set(id, [...frontier]);
      continue;
    }
    preds.delete(id);
    for (const p of ps) {
      g.link(p, id, REALTIME);
      frontier.delete(p);
    }
    frontier.add(id);
  }
}

/** Process edges: consecutive committed transactions of the same process. */
export function addProcessEdges(g: DepGraph, txns: readonly Txn[]): void {
  const last = new Map<string, number>();
  for (const t of [...txns].filter((x) => x.type === "ok").sort((a, b) => a.completeIndex - b.completeIndex)) {
    const p = last.get(t.process);
    if (p !== undefined) g.link(p, t.id, PROCESS);
    last.set(t.process, t.id);
  }
}

/**
 * Lost update: two committed transactions read the same version of a key and both wrote it.
 * `isWrite` says which micro-operations write.
 */
export function lostUpdates(
  txns: readonly Txn[],
  isWrite: (f: string) => boolean,
  /** Identifies the state a read saw (default: its value); list-append names a list by its last element. */
  stateOf: (value: Json) => Atom = atom,
): { key: Json; value: Json; txns: number[] }[] {
  const byKeyValue = new Map<Atom, Map<Atom, { key: Json; value: Json; txns: number[] }>>();
  for (const t of txns) {
    if (t.type !== "ok") continue;
    const mops = t.mops;
    for (let i = 0; i < mops.length; i++) {
      const [f, k] = mops[i] as Mop;
      if (!isWrite(f)) continue;
      const kk = atom(k);
      // Only the first write of k that follows a read of k counts; the read is the first read of k.
      let read: Mop | undefined;
      let earlierWrite = false;
      for (let j = 0; j < i; j++) {
        const m = mops[j] as Mop;
        if (atom(m[1]) !== kk) continue;
        if (isWrite(m[0])) {
          if (read) earlierWrite = true;
        } else read ??= m;
      }
      if (!read || earlierWrite) continue;
      const value = read[2];
      let m = byKeyValue.get(kk);
      if (!m) byKeyValue.set(kk, (m = new Map()));
      const state = stateOf(value);
      let c = m.get(state);
      if (!c) m.set(state, (c = { key: k, value, txns: [] }));
      if (c.txns[c.txns.length - 1] !== t.id) c.txns.push(t.id);
    }
  }
  const out: { key: Json; value: Json; txns: number[] }[] = [];
  for (const m of byKeyValue.values()) for (const c of m.values()) if (c.txns.length >= 2) out.push(c);
  return out;
}
