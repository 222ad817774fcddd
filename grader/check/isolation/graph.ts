/**
 * The dependency graph between transactions: an edge a -> b carries a set of relations (bits):
 * ww (b overwrote a), wr (b read a's write), rw (b overwrote what a read), process (same client,
 * a first) and realtime (a completed before b began). Each data edge remembers the first key and
 * values that justify it. Also: Tarjan's strongly connected components, and the relational
 * operations cycle searches need (projection onto some relations, sequential extension).
 */
import type { Json } from "../../sim/api.js";

export const WW = 1;
export const WR = 2;
export const RW = 4;
export const PROCESS = 8;
export const REALTIME = 16;
export type Rel = "ww" | "wr" | "rw" | "process" | "realtime";
export const REL_NAMES: readonly [number, Rel][] = [
  [WW, "ww"],
  [WR, "wr"],
  [RW, "rw"],
  [PROCESS, "process"],
  [REALTIME, "realtime"],
];

/** Why a data edge exists: the key, the value the first transaction wrote/read, the value the second wrote/read. */
export interface EdgeWhy {
  key: Json;
  value: Json;
  value2: Json;
}

/** Justifies a data edge a -> b (computed only for edges on reported cycles). */
export type Explainer = (a: number, b: number, rel: "ww" | "wr" | "rw") => EdgeWhy | undefined;

const NO_EDGES: ReadonlyMap<number, number> = new Map();

/** Edges carry a bit set of relations; the reasons behind them are recomputed on demand by an `Explainer`. */
export class DepGraph {
  private readonly adjacency: (Map<number, number> | undefined)[];

  constructor(readonly size: number) {
    this.adjacency = new Array(size);
  }

  /** The edges leaving `a`: neighbour -> relations. */
  from(a: number): ReadonlyMap<number, number> {
    return this.adjacency[a] ?? NO_EDGES;
  }

  link(a: number, b: number, rel: number): void {
    if (a === b) return;
    let m = this.adjacency[a];
    if (!m) this.adjacency[a] = m = new Map();
    m.set(b, (m.get(b) ?? 0) | rel);
  }

  edgeCount(): number {
    let n = 0;
    for (const m of this.adjacency) n += m?.size ?? 0;
    return n;
  }
}

/** Adjacency restricted to a node subset: node -> (neighbour -> rels). */
export type Adjacency = Map<number, Map<number, number>>;

/** The graph restricted to `nodes`, keeping only edges with some relation in `mask`. */
export function project(g: DepGraph, nodes: readonly number[], mask: number): Adjacency {
  const inside = new Set(nodes);
  const adj: Adjacency = new Map();
  for (const a of nodes) {
    const m = new Map<number, number>();
    for (const [b, rels] of g.from(a)) {
      const r = rels & mask;
      if (r !== 0 && inside.has(b)) m.set(b, r);
    }
    adj.set(a, m);
  }
  return adj;
}

/** a -> c if a -> c in `first`, or a -> b in `first` and b -> c in `second` (one extra hop). */
export function extend(first: Adjacency, second: Adjacency): Adjacency {
  const out: Adjacency = new Map();
  for (const [a, m] of first) {
    const n = new Map(m);
    for (const b of m.keys()) for (const [c, r] of second.get(b) ?? []) n.set(c, (n.get(c) ?? 0) | r);
    out.set(a, n);
  }
  return out;
}

/**
 * Tarjan's algorithm (iterative), over node ids below `size`. Returns the components with more
 * than one node, or with a self-edge.
 */
export function nontrivialSccs(size: number, nodes: Iterable<number>, succ: (v: number) => Iterable<number>, hasSelf: (v: number) => boolean): number[][] {
  const index = new Int32Array(size).fill(-1);
  const low = new Int32Array(size);
  const onStack = new Uint8Array(size);
  const stack: number[] = [];
  const out: number[][] = [];
  let counter = 0;
  const workV: number[] = [];
  const workIt: Iterator<number>[] = [];
  const open = (v: number): void => {
    index[v] = low[v] = counter++;
    stack.push(v);
    onStack[v] = 1;
    workV.push(v);
    workIt.push(succ(v)[Symbol.iterator]());
  };
  for (const root of nodes) {
    if (index[root] !== -1) continue;
    open(root);
    while (workV.length > 0) {
      const v = workV[workV.length - 1] as number;
      const nx = (workIt[workIt.length - 1] as Iterator<number>).next();
      if (!nx.done) {
        const w = nx.value;
        if (index[w] === -1) open(w);
        else if (onStack[w] === 1 && (index[w] as number) < (low[v] as number)) low[v] = index[w] as number;
        continue;
      }
      workV.pop();
      workIt.pop();
      if (workV.length > 0) {
        const parent = workV[workV.length - 1] as number;
        if ((low[v] as number) < (low[parent] as number)) low[parent] = low[v] as number;
      }
      if (low[v] === index[v]) {
        if (stack[stack.length - 1] === v) {
          stack.pop();
          onStack[v] = 0;
          if (hasSelf(v)) out.push([v]);
          continue;
        }
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop() as number;
          onStack[w] = 0;
          comp.push(w);
        } while (w !== v);
        out.push(comp.sort((x, y) => x - y));
      }
    }
  }
  return out;
}

export function adjacencySccs(adj: Adjacency): number[][] {
  let size = 0;
  for (const v of adj.keys()) size = Math.max(size, v + 1);
  return nontrivialSccs(size, adj.keys(), (v) => (adj.get(v) as Map<number, number>).keys(), (v) => (adj.get(v) as Map<number, number>).has(v));
}

/** What a cycle must look like (all relation sets are bit masks). */
export interface CycleShape {
  /** Relations usable freely. */
  rels: number;
  /** Relations that are counted (rw): exactly once, more than once, and/or never twice in a row. */
  counted?: number;
  single?: boolean;
  multiple?: boolean;
  nonadjacent?: boolean;
  /** Each mask must be met by at least one edge. */
  required?: number[];
}

/**
 * The shortest cycle through `nodes` of the given shape, as a list of nodes (first repeated at the
 * end), or null. Breadth-first search over (node, counted edges so far, requirements met, whether
 * the first/last edge was counted). `budget.left` bounds the work; when it runs out, returns null
 * and sets `budget.exhausted`.
 */
export function shortestCycle(g: DepGraph, nodes: readonly number[], shape: CycleShape, budget: { left: number; exhausted: boolean }): number[] | null {
  const inside = new Set(nodes);
  const counted = shape.counted ?? 0;
  const required = shape.required ?? [];
  const allReq = (1 << required.length) - 1;
  const usable = shape.rels | counted;
  let best: number[] | null = null;
  for (const start of nodes) {
    // state: node, c (0,1,2 counted), req mask, first counted?, last counted?
    type S = { node: number; c: number; req: number; first: number; last: number; parent: S | null };
    const seen = new Set<string>();
    let frontier: S[] = [{ node: start, c: 0, req: 0, first: -1, last: 0, parent: null }];
    let depth = 0;
    while (frontier.length > 0 && (best === null || depth + 1 < best.length - 1)) {
      depth++;
      const next: S[] = [];
      for (const s of frontier) {
        for (const [b, rels] of g.from(s.node)) {
          if (--budget.left < 0) {
            budget.exhausted = true;
            return best;
          }
          if (!inside.has(b)) continue;
          const r = rels & usable;
          if (r === 0) continue;
          let req = s.req;
          for (const [i, m] of required.entries()) if ((r & m) !== 0) req |= 1 << i;
          const options: number[] = [];
          if ((r & counted) !== 0) options.push(1);
          if ((r & shape.rels) !== 0) options.push(0);
          for (const isCounted of options) {
            if (shape.nonadjacent && isCounted && s.last) continue;
            const c = Math.min(2, s.c + isCounted);
            if (shape.single && c > 1) continue;
            const first = s.first === -1 ? isCounted : s.first;
            const st: S = { node: b, c, req, first, last: isCounted, parent: s };
            if (b === start) {
              const okCount = shape.single ? c === 1 : shape.multiple ? c >= 2 : true;
              const okAdj = !(shape.nonadjacent && isCounted && first === 1 && depth > 1);
              if (okCount && okAdj && req === allReq) {
                const cycle: number[] = [];
                for (let x: S | null = st; x; x = x.parent) cycle.push(x.node);
                cycle.reverse();
                if (best === null || cycle.length < best.length) best = cycle;
              }
              continue;
            }
            const key = `${b},${c},${req},${first},${isCounted}`;
            if (seen.has(key)) continue;
            seen.add(key);
            next.push(st);
          }
        }
      }
      frontier = next;
    }
  }
  return best;
}
