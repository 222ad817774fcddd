/**
 * Finding and classifying dependency cycles. The graph is cut into strongly connected components
 * (no cycle crosses two). In each component we first establish which consistency models a cycle
 * rules out at all (a cycle exists in the subgraph that model forbids: "<model>-cycle-exists"),
 * then look for the shortest concrete cycle of each anomaly class that could still be there, from
 * the most to the least severe, skipping classes already implied by one found. A cycle is
 * classified by its edges (each step named by its strongest relation: ww, wr, rw, process,
 * realtime): only ww is G0; with wr G1c; exactly one rw G-single-item; several rw, two adjacent,
 * G2-item, none adjacent G-nonadjacent-item; with a real-time or process edge, the "-realtime" /
 * "-process" variant.
 */
import type { Json } from "../../sim/api.js";
import {
  type Adjacency,
  adjacencySccs,
  type CycleShape,
  type DepGraph,
  type Explainer,
  extend,
  nontrivialSccs,
  PROCESS,
  project,
  REALTIME,
  REL_NAMES,
  type Rel,
  RW,
  shortestCycle,
  WR,
  WW,
} from "./graph.js";
import { anomaliesProhibitedBy, impliedAnomalies, impossibleModels, severityDepth, strongerModels } from "./taxonomy.js";

export interface CycleStep {
  from: number;
  to: number;
  rel: Rel;
  key?: Json;
  value?: Json;
  value2?: Json;
}

export interface CycleCase {
  type: string;
  /** Transaction ids around the cycle, the first repeated at the end. */
  cycle: number[];
  steps: CycleStep[];
}

export interface CycleExistsCase {
  type: string;
  /** The model that cannot hold. */
  not: string;
  /** The edges that model forbids cycles in, e.g. "ww, wr, realtime, then one rw". */
  subgraph: string;
  /** Transactions in the smallest strongly connected component of the forbidden subgraph. */
  scc: number[];
}

type Subgraph = { union: number } | { extend: [number, number] };
const CYCLE_EXISTS: { model: string; type: string; sub: Subgraph }[] = [
  { model: "read-uncommitted", type: "PL-1-cycle-exists", sub: { union: WW } },
  { model: "read-committed", type: "PL-2-cycle-exists", sub: { union: WW | WR } },
  { model: "snapshot-isolation", type: "PL-SI-cycle-exists", sub: { extend: [WW | WR, RW] } },
  { model: "repeatable-read", type: "PL-2.99-cycle-exists", sub: { union: WW | WR | RW } },
  { model: "serializable", type: "PL-3-cycle-exists", sub: { union: WW | WR | RW } },
  { model: "strong-session-read-uncommitted", type: "strong-session-PL-1-cycle-exists", sub: { union: WW | PROCESS } },
  { model: "strong-session-read-committed", type: "strong-session-PL-2-cycle-exists", sub: { union: WW | WR | PROCESS } },
  { model: "strong-session-snapshot-isolation", type: "strong-session-snapshot-isolation-cycle-exists", sub: { extend: [WW | WR | PROCESS, RW] } },
  { model: "strong-session-serializable", type: "strong-session-serializable-cycle-exists", sub: { union: WW | WR | RW | PROCESS } },
  { model: "strong-read-uncommitted", type: "strong-PL-1-cycle-exists", sub: { union: WW | REALTIME } },
  { model: "strong-read-committed", type: "strong-PL-2-cycle-exists", sub: { union: WW | WR | REALTIME } },
  { model: "strong-snapshot-isolation", type: "strong-snapshot-isolation-cycle-exists", sub: { extend: [WW | WR | REALTIME, RW] } },
  { model: "strict-serializable", type: "PL-SS-cycle-exists", sub: { union: WW | WR | RW | REALTIME } },
];
export const CYCLE_EXISTS_TYPES: ReadonlyMap<string, string> = new Map(CYCLE_EXISTS.map((c) => [c.type, c.model]));

function describeSubgraph(sub: Subgraph): string {
  const names = (mask: number): string => REL_NAMES.filter(([bit]) => (mask & bit) !== 0).map(([, n]) => n).join(", ");
  return "union" in sub ? names(sub.union) : `${names(sub.extend[0])}, each optionally followed by one ${names(sub.extend[1])}`;
}

interface Spec {
  name: string;
  shape: CycleShape;
  /** If set, the found cycle must be classified as exactly this. */
  type?: string;
}

const BASE_SPECS: Spec[] = [
  { name: "G0", shape: { rels: WW } },
  { name: "G1c", shape: { rels: WW | WR, required: [WR] } },
  { name: "G-single-item", shape: { rels: WW | WR, counted: RW, single: true }, type: "G-single-item" },
  { name: "G-nonadjacent-item", shape: { rels: WW | WR, counted: RW, multiple: true, nonadjacent: true }, type: "G-nonadjacent-item" },
  { name: "G2-item", shape: { rels: WW | WR, counted: RW, multiple: true }, type: "G2-item" },
];

function variant(spec: Spec, suffix: "process" | "realtime"): Spec {
  const rel = suffix === "process" ? PROCESS : REALTIME;
  const out: Spec = { name: `${spec.name}-${suffix}`, shape: { ...spec.shape, rels: spec.shape.rels | rel, required: [...(spec.shape.required ?? []), rel] } };
  if (spec.type) out.type = `${spec.type}-${suffix}`;
  return out;
}

const depth = severityDepth();
const SPECS: Spec[] = BASE_SPECS.flatMap((s) => [s, variant(s, "process"), variant(s, "realtime")]).sort(
  (a, b) => (depth.get(a.name) ?? 0) - (depth.get(b.name) ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
);
/** Every cycle anomaly type we can report (including the predicate ones we never find). */
export const CYCLE_TYPES: ReadonlySet<string> = new Set(
  ["G0", "G1c", "G-single-item", "G-single", "G-nonadjacent-item", "G-nonadjacent", "G2-item", "G2"].flatMap((t) => [t, `${t}-process`, `${t}-realtime`]),
);

/** Names a step by its strongest relation, and classifies a cycle by its steps. */
export function explainCycle(g: DepGraph, cycle: number[], explain: Explainer): CycleCase {
  const steps: CycleStep[] = [];
  for (let i = 0; i + 1 < cycle.length; i++) {
    const a = cycle[i] as number;
    const b = cycle[i + 1] as number;
    const rels = g.from(a).get(b) as number;
    const [, rel] = REL_NAMES.find(([bit]) => (rels & bit) !== 0) as [number, Rel];
    const step: CycleStep = { from: a, to: b, rel };
    const why = rel === "ww" || rel === "wr" || rel === "rw" ? explain(a, b, rel) : undefined;
    if (why) Object.assign(step, { key: why.key, value: why.value, value2: why.value2 });
    steps.push(step);
  }
  const count = (r: Rel): number => steps.filter((s) => s.rel === r).length;
  const rw = count("rw");
  let adjacent = false;
  for (let i = 0; i < steps.length; i++) {
    if ((steps[i] as CycleStep).rel === "rw" && (steps[(i + 1) % steps.length] as CycleStep).rel === "rw") adjacent = true;
  }
  const data = rw === 1 ? "G-single-item" : rw > 1 ? (adjacent ? "G2-item" : "G-nonadjacent-item") : count("wr") > 0 ? "G1c" : "G0";
  const suffix = count("realtime") > 0 ? "-realtime" : count("process") > 0 ? "-process" : "";
  return { type: data + suffix, cycle, steps };
}

export interface CycleSearchResult {
  cycles: CycleCase[];
  exists: CycleExistsCase[];
  /** True if some search ran out of budget (the verdict can then only be "unknown" or a violation). */
  timedOut: boolean;
}

/** All cycle anomalies in `g` (whose edges should already include process/realtime as wanted). */
export function findCycles(g: DepGraph, explain: Explainer, budget: { left: number; exhausted: boolean }): CycleSearchResult {
  const all: number[] = [];
  for (let i = 0; i < g.size; i++) if (g.from(i).size > 0) all.push(i);
  const sccs = nontrivialSccs(g.size, all, (v) => g.from(v).keys(), () => false);
  const cycles: CycleCase[] = [];
  const exists: CycleExistsCase[] = [];
  for (const scc of sccs) {
    // 1. Which models does a cycle somewhere in this component rule out?
    const found: CycleExistsCase[] = [];
    const redundant = new Set<string>();
    for (const spec of CYCLE_EXISTS) {
      if (redundant.has(spec.model)) continue;
      const adj: Adjacency = "union" in spec.sub ? project(g, scc, spec.sub.union) : extend(project(g, scc, spec.sub.extend[0]), project(g, scc, spec.sub.extend[1]));
      const inner = adjacencySccs(adj).sort((a, b) => a.length - b.length);
      if (inner.length === 0) continue;
      found.push({ type: spec.type, not: spec.model, subgraph: describeSubgraph(spec.sub), scc: inner[0] as number[] });
      for (const m of strongerModels([spec.model])) redundant.add(m);
    }
    // 2. Cycle classes that cannot be here: those forbidden by models no cycle rules out.
    const impossible = strongerModels(found.map((f) => f.not));
    const possible = CYCLE_EXISTS.map((c) => c.model).filter((m) => !impossible.has(m));
    const skip = new Set([...anomaliesProhibitedBy(possible)].filter((a) => CYCLE_TYPES.has(a)));
    // 3. The shortest cycle of each remaining class, most severe first.
    const here: CycleCase[] = [];
    for (const spec of SPECS) {
      if (skip.has(spec.name)) continue;
      const cycle = shortestCycle(g, scc, spec.shape, budget);
      if (budget.exhausted) break;
      if (!cycle) continue;
      const ex = explainCycle(g, cycle, explain);
      if (spec.type && ex.type !== spec.type) continue;
      here.push(ex);
      for (const a of impliedAnomalies([spec.name])) skip.add(a);
    }
    // 4. A concrete cycle makes "a cycle exists" for the models it rules out redundant.
    const ruledOut = impossibleModels(here.map((c) => c.type));
    exists.push(...found.filter((f) => !ruledOut.has(f.not)));
    cycles.push(...here);
    if (budget.exhausted) return { cycles, exists, timedOut: true };
  }
  return { cycles, exists, timedOut: false };
}
