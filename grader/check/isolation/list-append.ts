/**
 * List-append analysis. Every append adds a unique element to a list, and a read returns the
 * whole list, so reads reveal the order in which appends took effect: the longest read of a key
 * is (a prefix of) its version order, and every shorter read must be a prefix of it. From that
 * order: ww (an append directly after another's), wr (a read whose last element another appended)
 * and rw (a read that missed the next append) dependencies. Appends never observed are known to
 * come after everything observed. Non-cyclic anomalies are found directly.
 */
import type { Json } from "../../sim/api.js";
import { DepGraph, type Explainer, RW, WR, WW } from "./graph.js";
import { type Atom, addCase, atom, lostUpdates, type Mop, type Txn, unatom } from "./transactions.js";

export interface WorkloadAnalysis {
  graph: DepGraph;
  anomalies: Map<string, unknown[]>;
  /** The key and values behind a data edge. */
  explain: Explainer;
}

const INIT = Symbol("initial state");
type Elem = Atom | typeof INIT;

const isList = (v: Json): v is Json[] => Array.isArray(v);

export function analyseListAppend(txns: readonly Txn[]): WorkloadAnalysis {
  const anomalies = new Map<string, unknown[]>();
  const possible = txns.filter((t) => t.type !== "fail");

  for (const t of txns) {
    for (const [f] of t.mops) if (f !== "append" && f !== "r") throw new Error(`list-append: transaction ${t.id} (process ${t.process}) has a micro-operation ${JSON.stringify(f)}; expected "append" or "r"`);
  }

  // Who appended what: committed-or-maybe (write index), failed, and intermediate (not the txn's last append to the key).
  const writer = new Map<Atom, Map<Atom, Txn>>();
  const failed = new Map<Atom, Map<Atom, Txn>>();
  const intermediate = new Map<Atom, Map<Atom, Txn>>();
  const appendCount = new Map<Atom, { n: number; v: Json }>();
  for (const t of txns) {
    const mops = t.mops;
    for (let i = 0; i < mops.length; i++) {
      const [f, k, v] = mops[i] as Mop;
      if (f !== "append") continue;
      const kk = atom(k);
      const target = t.type === "fail" ? failed : writer;
      let m = target.get(kk);
      if (!m) target.set(kk, (m = new Map()));
      m.set(atom(v), t);
      // Intermediate: the same transaction appends to this key again later.
      for (let j = i + 1; j < mops.length; j++) {
        const later = mops[j] as Mop;
        if (later[0] === "append" && atom(later[1]) === kk) {
          let im = intermediate.get(kk);
          if (!im) intermediate.set(kk, (im = new Map()));
          im.set(atom(v), t);
          break;
        }
      }
      if (t.type !== "fail") {
        const c = appendCount.get(kk);
        if (c) {
          c.n++;
          c.v = v;
        } else appendCount.set(kk, { n: 1, v });
      }
    }
  }

  // Direct checks on committed transactions: internal consistency, future reads, aborted and intermediate reads.
  for (const t of txns) {
    if (t.type !== "ok") continue;
    const mops = t.mops;
    for (let mi = 0; mi < mops.length; mi++) {
      const [f, k, v] = mops[mi] as Mop;
      const kk = atom(k);
      if (f === "append") {
        // Future read: an earlier read in this transaction already saw this element.
        for (let j = 0; j < mi; j++) {
          const [g, k2, seen] = mops[j] as Mop;
          if (g === "r" && atom(k2) === kk && isList(seen) && seen.some((x) => atom(x) === atom(v))) {
            addCase(anomalies, "future-read", { txn: t.id, key: k, element: v, mop: j });
            break;
          }
        }
        continue;
      }
      if (!isList(v)) continue;
      const expected = expectedBefore(mops, mi, kk);
      if (expected && !matches(expected, v)) {
        addCase(anomalies, "internal", { txn: t.id, key: k, read: v, expected: expected.prefixKnown ? expected.list : ["...", ...expected.list], mop: mi });
      }
      const failedK = failed.get(kk);
      if (failedK) {
        for (const x of v) {
          const w = failedK.get(atom(x));
          if (w) addCase(anomalies, "G1a", { txn: t.id, key: k, read: v, element: x, writer: w.id });
        }
      }
      if (v.length > 0) {
        const lastElem = v[v.length - 1] as Json;
        const w = intermediate.get(kk)?.get(atom(lastElem));
        if (w && w !== t) addCase(anomalies, "G1b", { txn: t.id, key: k, read: v, element: lastElem, writer: w.id });
      }
    }
  }

  // Version orders: per key, the longest read; every other read must be a prefix of it.
  const reads = new Map<Atom, { key: Json; longest: Json[]; all: Json[][] }>();
  for (const t of possible) {
    for (const [f, k, v] of t.mops) {
      if (f !== "r" || !isList(v) || v.length === 0) continue;
      const kk = atom(k);
      const r = reads.get(kk);
      if (!r) reads.set(kk, { key: k, longest: v, all: [v] });
      else {
        r.all.push(v);
        if (v.length > r.longest.length) r.longest = v;
      }
    }
  }
  const order = new Map<Atom, { values: Atom[]; position: Map<Atom, number> }>();
  for (const [kk, r] of reads) {
    const longest = r.longest.map(atom);
    const position = new Map<Atom, number>();
    const values: Atom[] = [];
    for (const x of longest) {
      if (position.has(x)) continue;
      position.set(x, values.length);
      values.push(x);
    }
    const longestHasDuplicates = values.length < longest.length;
    let compatible = true;
    for (const v of r.all) {
      let prefix = true;
      for (let i = 0; i < v.length; i++) {
        if (atom(v[i] as Json) !== longest[i]) {
          prefix = false;
          break;
        }
      }
      if (!prefix) compatible = false;
      // A prefix of a duplicate-free list is duplicate-free; only look closer otherwise.
      if (!prefix || longestHasDuplicates) checkDuplicates(anomalies, txns, r.key, v);
    }
    if (!compatible) {
      // Report as Elle does: the first pair of distinct reads, by length, where one does not prefix the next.
      const distinct = [...new Map(r.all.map((v) => [JSON.stringify(v), v])).values()].sort((a, b) => a.length - b.length);
      for (let i = 0; i + 1 < distinct.length; i++) {
        const a = distinct[i] as Json[];
        const b = distinct[i + 1] as Json[];
        if (!a.every((x, j) => atom(x) === atom(b[j] as Json))) {
          addCase(anomalies, "incompatible-order", { key: r.key, values: [a, b] });
          break;
        }
      }
    }
    order.set(kk, { values, position });
  }
  for (const [kk, c] of appendCount) {
    if (c.n === 1 && !order.has(kk)) order.set(kk, { values: [atom(c.v)], position: new Map([[atom(c.v), 0]]) });
  }

  // Dirty update: a committed append right after a failed one in the version order.
  for (const [kk, o] of order) {
    let prevType: "ok" | "info" | "fail" = "ok";
    let prevTxn: Txn | undefined;
    for (const v of o.values) {
      const t = writer.get(kk)?.get(v) ?? failed.get(kk)?.get(v);
      if (!t) continue;
      if (prevType === "fail" && t.type === "ok" && prevTxn) addCase(anomalies, "dirty-update", { key: keyOf(txns, kk), failed: prevTxn.id, txn: t.id, element: v });
      if (t.type !== "info") {
        prevType = t.type;
        prevTxn = t;
      }
    }
  }

  // Readers of each state: key -> last element (or INIT for the empty list) -> transactions.
  const readers = new Map<Atom, Map<Elem, Txn[]>>();
  for (const t of possible) {
    for (const [f, k, v] of t.mops) {
      if (f !== "r" || !isList(v)) continue;
      const kk = atom(k);
      const last: Elem = v.length === 0 ? INIT : atom(v[v.length - 1] as Json);
      let m = readers.get(kk);
      if (!m) readers.set(kk, (m = new Map()));
      const list = m.get(last);
      if (list) {
        if (list[list.length - 1] !== t) list.push(t);
      } else m.set(last, [t]);
    }
  }

  /** The element appended just before `v` on key kk (INIT if none); never observed: after everything observed. */
  const previous = (kk: Atom, v: Json): Elem => {
    const o = order.get(kk);
    const at = o?.position.get(atom(v));
    if (at !== undefined) return at > 0 ? (o?.values[at - 1] as Atom) : INIT;
    return o && o.values.length > 0 ? (o.values[o.values.length - 1] as Atom) : INIT;
  };

  const graph = new DepGraph(txns.length);
  for (const t of possible) {
    for (const [f, k, v] of t.mops) {
      const kk = atom(k);
      if (f === "append") {
        const prev = previous(kk, v);
        if (prev !== INIT) {
          const w = writer.get(kk)?.get(prev);
          if (w) graph.link(w.id, t.id, WW);
        }
        for (const r of readers.get(kk)?.get(prev) ?? NO_TXNS) graph.link(r.id, t.id, RW);
      } else if (isList(v) && v.length > 0) {
        const w = writer.get(kk)?.get(atom(v[v.length - 1] as Json));
        if (w) graph.link(w.id, t.id, WR);
      }
    }
  }

  const explain: Explainer = (a, b, rel) => {
    const ta = txns[a] as Txn;
    for (const [f, k, v] of (txns[b] as Txn).mops) {
      const kk = atom(k);
      if (rel === "wr") {
        if (f === "r" && isList(v) && v.length > 0 && writer.get(kk)?.get(atom(v[v.length - 1] as Json)) === ta) return { key: k, value: v[v.length - 1] as Json, value2: v };
        continue;
      }
      if (f !== "append") continue;
      const prev = previous(kk, v);
      if (rel === "ww" && prev !== INIT && writer.get(kk)?.get(prev) === ta) return { key: k, value: unatom(prev), value2: v };
      if (rel === "rw" && readers.get(kk)?.get(prev)?.includes(ta)) return { key: k, value: prev === INIT ? EMPTY : unatom(prev), value2: v };
    }
    return undefined;
  };

  // Elements are unique, so the last one names a list (reads that disagree before it are reported as
  // incompatible orders): no need to compare whole lists.
  const lost = lostUpdates(txns, (f) => f === "append", listState);
  if (lost.length > 0) anomalies.set("lost-update", lost);
  return { graph, anomalies, explain };
}

const EMPTY: Json = Object.freeze([]) as Json;
const EMPTY_STATE = "\u0001empty list";
const listState = (v: Json): Atom => (isList(v) ? (v.length === 0 ? EMPTY_STATE : atom(v[v.length - 1] as Json)) : atom(v));
const NO_TXNS: readonly Txn[] = [];

/** What a transaction's own earlier appends and reads of key kk say a read at position mi must return. */
function expectedBefore(mops: readonly Mop[], mi: number, kk: Atom): { prefixKnown: boolean; list: Json[] } | undefined {
  let e: { prefixKnown: boolean; list: Json[] } | undefined;
  for (let j = 0; j < mi; j++) {
    const [f, k, v] = mops[j] as Mop;
    if (atom(k) !== kk) continue;
    if (f === "append") e = e ? { prefixKnown: e.prefixKnown, list: [...e.list, v] } : { prefixKnown: false, list: [v] };
    else if (isList(v)) e = { prefixKnown: true, list: v };
  }
  return e;
}

function matches(e: { prefixKnown: boolean; list: Json[] }, v: Json[]): boolean {
  if (e.prefixKnown) return e.list.length === v.length && e.list.every((x, i) => atom(x) === atom(v[i] as Json));
  const off = v.length - e.list.length;
  return off >= 0 && e.list.every((x, i) => atom(x) === atom(v[off + i] as Json));
}

function checkDuplicates(anomalies: Map<string, unknown[]>, txns: readonly Txn[], key: Json, v: Json[]): void {
  const counts = new Map<Atom, number>();
  for (const x of v) counts.set(atom(x), (counts.get(atom(x)) ?? 0) + 1);
  const dups = [...counts].filter(([, n]) => n > 1).map(([x]) => unatom(x));
  if (dups.length === 0) return;
  const t = txns.find((x) => x.type === "ok" && x.mops.some(([f, k, r]) => f === "r" && r === v && atom(k) === atom(key)));
  addCase(anomalies, "duplicate-elements", { txn: t?.id ?? null, key, read: v, duplicates: dups });
}


function keyOf(txns: readonly Txn[], kk: Atom): Json {
  for (const t of txns) for (const [, k] of t.mops) if (atom(k) === kk) return k;
  return unatom(kk);
}
