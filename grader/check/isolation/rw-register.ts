/**
 * Read-write register analysis. Writes are unique per key, so a read names the write it saw (wr
 * edges), but overwrites are invisible: version orders are only partly recoverable. We always
 * know the initial (null) version precedes every other; optionally we may assume more:
 * `wfrKeys` (within a transaction, a write follows the version it read), `sequentialKeys` (each
 * key is sequentially consistent: process order orders versions) and `linearizableKeys` (real-
 * time order orders versions). An assumption that would make a version order cyclic is reported
 * (cyclic-versions) and not used. ww and rw edges follow from the version orders.
 */
import type { Json } from "../../sim/api.js";
import { DepGraph, type Explainer, PROCESS, REALTIME, RW, WR, WW } from "./graph.js";
import type { WorkloadAnalysis } from "./list-append.js";
import { type Atom, addCase, addProcessEdges, addRealtimeEdges, atom, lostUpdates, type Txn, unatom } from "./transactions.js";

export interface RwRegisterOptions {
  wfrKeys?: boolean;
  sequentialKeys?: boolean;
  linearizableKeys?: boolean;
}

/** External reads (first read of a key, before any write to it) and writes (last write of a key). */
function externals(t: Txn): { reads: Map<Atom, Json>; writes: Map<Atom, Json>; keys: Map<Atom, Json> } {
  const reads = new Map<Atom, Json>();
  const writes = new Map<Atom, Json>();
  const keys = new Map<Atom, Json>();
  for (const [f, k, v] of t.mops) {
    const kk = atom(k);
    keys.set(kk, k);
    if (f === "w") writes.set(kk, v);
    else if (f === "r" && !writes.has(kk) && !reads.has(kk)) reads.set(kk, v);
  }
  return { reads, writes, keys };
}

type VersionGraphs = Map<Atom, Map<Atom, Set<Atom>>>;

function linkVersion(vg: VersionGraphs, k: Atom, a: Atom, b: Atom): void {
  if (a === b) return;
  let g = vg.get(k);
  if (!g) vg.set(k, (g = new Map()));
  let s = g.get(a);
  if (!s) g.set(a, (s = new Set()));
  s.add(b);
}

function mergeVersions(a: VersionGraphs, b: VersionGraphs): VersionGraphs {
  const out: VersionGraphs = new Map();
  for (const src of [a, b]) for (const [k, g] of src) for (const [x, ys] of g) for (const y of ys) linkVersion(out, k, x, y);
  return out;
}

function versionCycles(vg: VersionGraphs): { key: Atom; versions: Atom[] }[] {
  const out: { key: Atom; versions: Atom[] }[] = [];
  for (const [k, g] of vg) {
    // Kahn's algorithm: whatever cannot be peeled off lies on or behind a cycle.
    const indeg = new Map<Atom, number>();
    for (const [x, ys] of g) {
      if (!indeg.has(x)) indeg.set(x, 0);
      for (const y of ys) indeg.set(y, (indeg.get(y) ?? 0) + 1);
    }
    const queue = [...indeg].filter(([, d]) => d === 0).map(([x]) => x);
    while (queue.length > 0) {
      const x = queue.pop() as Atom;
      indeg.delete(x);
      for (const y of g.get(x) ?? []) {
        const d = (indeg.get(y) as number) - 1;
        indeg.set(y, d);
        if (d === 0) queue.push(y);
      }
    }
    if (indeg.size > 0) out.push({ key: k, versions: [...indeg.keys()] });
  }
  return out;
}

export function analyseRwRegister(txns: readonly Txn[], options: RwRegisterOptions = {}): WorkloadAnalysis {
  const anomalies = new Map<string, unknown[]>();
  for (const t of txns) {
    for (const [f] of t.mops) if (f !== "w" && f !== "r") throw new Error(`rw-register: transaction ${t.id} (process ${t.process}) has a micro-operation ${JSON.stringify(f)}; expected "w" or "r"`);
  }
  const ext = txns.map(externals);

  // Direct checks: internal consistency, aborted reads, intermediate reads.
  const failedWrites = new Map<Atom, Map<Atom, Txn>>();
  const intermediate = new Map<Atom, Map<Atom, Txn>>();
  for (const t of txns) {
    const last = new Map<Atom, Atom>();
    for (const [f, k, v] of t.mops) {
      if (f !== "w") continue;
      const kk = atom(k);
      if (t.type === "fail") {
        let m = failedWrites.get(kk);
        if (!m) failedWrites.set(kk, (m = new Map()));
        m.set(atom(v), t);
      }
      const prev = last.get(kk);
      if (prev !== undefined) {
        let m = intermediate.get(kk);
        if (!m) intermediate.set(kk, (m = new Map()));
        m.set(prev, t);
      }
      last.set(kk, atom(v));
    }
  }
  for (const t of txns) {
    if (t.type !== "ok") continue;
    const state = new Map<Atom, Json>();
    let internalFound = false;
    for (const [mi, [f, k, v]] of t.mops.entries()) {
      const kk = atom(k);
      if (f === "w") {
        state.set(kk, v);
        continue;
      }
      const s = state.get(kk);
      if (!internalFound && s !== undefined && s !== null && atom(s) !== atom(v)) {
        internalFound = true;
        addCase(anomalies, "internal", { txn: t.id, key: k, read: v, expected: s, mop: mi });
      } else state.set(kk, v);
      const fw = failedWrites.get(kk)?.get(atom(v));
      if (fw) addCase(anomalies, "G1a", { txn: t.id, key: k, value: v, writer: fw.id });
      const iw = intermediate.get(kk)?.get(atom(v));
      if (iw && iw !== t) addCase(anomalies, "G1b", { txn: t.id, key: k, value: v, writer: iw.id });
    }
  }

  // Version graphs.
  const initial: VersionGraphs = new Map();
  for (const t of txns) {
    if (t.type === "fail") continue;
    const e = ext[t.id] as ReturnType<typeof externals>;
    for (const [kk, v] of e.writes) if (v !== null) linkVersion(initial, kk, null, atom(v));
    if (t.type === "ok") for (const [kk, v] of e.reads) if (v !== null) linkVersion(initial, kk, null, atom(v));
  }
  const sources: { name: string; graph: () => VersionGraphs }[] = [];
  if (options.wfrKeys) {
    sources.push({
      name: "wfr-keys",
      graph: () => {
        const vg: VersionGraphs = new Map();
        for (const t of txns) {
          if (t.type !== "ok") continue;
          const e = ext[t.id] as ReturnType<typeof externals>;
          for (const [kk, v] of e.reads) if (v !== null && e.writes.has(kk)) linkVersion(vg, kk, atom(v), atom(e.writes.get(kk) as Json));
        }
        return vg;
      },
    });
  }
  if (options.sequentialKeys) sources.push({ name: "sequential-keys", graph: () => versionsFromOrder(txns, ext, PROCESS) });
  if (options.linearizableKeys) sources.push({ name: "linearizable-keys", graph: () => versionsFromOrder(txns, ext, REALTIME) });
  let versions = initial;
  for (const s of sources) {
    const merged = mergeVersions(versions, s.graph());
    const cycles = versionCycles(merged);
    if (cycles.length > 0) {
      for (const c of cycles) addCase(anomalies, "cyclic-versions", { key: c.key, versions: c.versions, assumption: s.name });
    } else versions = merged;
  }

  // Dependency edges from committed transactions' external reads and writes.
  const keyNames = new Map<Atom, Json>();
  for (const e of ext) for (const [kk, k] of e.keys) if (!keyNames.has(kk)) keyNames.set(kk, k);
  const keyName = (kk: Atom): Json => keyNames.get(kk) ?? unatom(kk);
  const graph = new DepGraph(txns.length);
  const writersOf = new Map<Atom, Map<Atom, Txn[]>>();
  const readersOf = new Map<Atom, Map<Atom, Txn[]>>();
  const index = (m: Map<Atom, Map<Atom, Txn[]>>, kk: Atom, v: Json, t: Txn): void => {
    let byV = m.get(kk);
    if (!byV) m.set(kk, (byV = new Map()));
    const list = byV.get(atom(v));
    if (list) list.push(t);
    else byV.set(atom(v), [t]);
  };
  for (const t of txns) {
    if (t.type !== "ok") continue;
    const e = ext[t.id] as ReturnType<typeof externals>;
    for (const [kk, v] of e.writes) index(writersOf, kk, v, t);
    for (const [kk, v] of e.reads) index(readersOf, kk, v, t);
  }
  for (const [kk, byV] of readersOf) {
    for (const [v, rs] of byV) {
      const ws = writersOf.get(kk)?.get(v) ?? [];
      if (ws.length > 1) throw new Error(`rw-register: key ${String(kk)} had value ${String(v)} written by more than one transaction; writes must be unique`);
      const w = ws[0];
      if (!w) continue;
      for (const r of rs) graph.link(w.id, r.id, WR);
    }
  }
  for (const [kk, g] of versions) {
    for (const [v1, v2s] of g) {
      const w1 = writersOf.get(kk)?.get(v1) ?? [];
      const r1 = readersOf.get(kk)?.get(v1) ?? [];
      for (const v2 of v2s) {
        const w2 = writersOf.get(kk)?.get(v2) ?? [];
        for (const b of w2) {
          for (const a of w1) graph.link(a.id, b.id, WW);
          for (const a of r1) graph.link(a.id, b.id, RW);
        }
      }
    }
  }

  const explain: Explainer = (a, b, rel) => {
    const ea = ext[a] as ReturnType<typeof externals>;
    const eb = ext[b] as ReturnType<typeof externals>;
    const fromA = rel === "rw" ? ea.reads : ea.writes;
    const toB = rel === "wr" ? eb.reads : eb.writes;
    for (const [kk, v1] of fromA) {
      if (!toB.has(kk)) continue;
      const v2 = toB.get(kk) as Json;
      const follows = rel === "wr" ? atom(v1) === atom(v2) : versions.get(kk)?.get(atom(v1))?.has(atom(v2));
      if (follows) return { key: keyName(kk), value: v1, value2: v2 };
    }
    return undefined;
  };

  const lost = lostUpdates(txns, (f) => f === "w");
  if (lost.length > 0) anomalies.set("lost-update", lost);
  return { graph, anomalies, explain };
}

/**
 * Versions ordered by a transaction order (process or real time), assuming each key is
 * sequential/linearizable: the last version a transaction saw of a key precedes the first version
 * seen by the next transactions (in that order) that touch the key.
 */
function versionsFromOrder(txns: readonly Txn[], ext: ReturnType<typeof externals>[], rel: number): VersionGraphs {
  const g = new DepGraph(txns.length);
  if (rel === PROCESS) addProcessEdges(g, txns);
  else addRealtimeEdges(g, txns);
  const vg: VersionGraphs = new Map();
  const NONE = Symbol("none");
  /** The version of kk a transaction saw first or last (ok: reads and writes; info: only its write). */
  const versionSeen = (t: Txn, kk: Atom, which: "first" | "last"): Atom | typeof NONE => {
    const e = ext[t.id] as ReturnType<typeof externals>;
    if (t.type === "fail") return NONE;
    const [a, b] = which === "last" ? [e.writes, e.reads] : [e.reads, e.writes];
    if (t.type === "info") return e.writes.has(kk) ? atom(e.writes.get(kk) as Json) : NONE;
    return a.has(kk) ? atom(a.get(kk) as Json) : b.has(kk) ? atom(b.get(kk) as Json) : NONE;
  };
  for (const a of txns) {
    const e = ext[a.id] as ReturnType<typeof externals>;
    for (const kk of e.keys.keys()) {
      const v1 = versionSeen(a, kk, "last");
      if (v1 === NONE) continue;
      // Nearest successors that touch kk.
      const seen = new Set<number>([a.id]);
      const stack = [...g.from(a.id).keys()];
      while (stack.length > 0) {
        const b = stack.pop() as number;
        if (seen.has(b)) continue;
        seen.add(b);
        const tb = txns[b] as Txn;
        const v2 = versionSeen(tb, kk, "first");
        if ((ext[b] as ReturnType<typeof externals>).keys.has(kk) && (tb.type === "ok" || v2 !== NONE)) {
          if (v2 !== NONE) linkVersion(vg, kk, v1, v2);
          continue;
        }
        for (const c of g.from(b).keys()) stack.push(c);
      }
    }
  }
  return vg;
}

