/**
 * The vocabulary of transactional anomalies and consistency models, and how they relate. The
 * relations follow Adya's thesis, Cerone et al., Bailis et al. and the taxonomy Elle (Kingsbury
 * & Alvaro) uses, so our anomaly names and verdicts line up with Elle's: which anomalies imply
 * which, which models imply which, and which anomalies each model rules out directly.
 */

/** a -> anomalies that a implies (every a is also a b). */
const IMPLIES: Record<string, string[]> = {
  G0: ["G1c", "G0-process"],
  "G0-process": ["G1c-process", "G0-realtime"],
  "G0-realtime": ["G1c-realtime"],
  G1a: ["G1"],
  G1b: ["G1"],
  G1c: ["G1", "G1c-process"],
  "G1c-process": ["G1c-realtime", "G1-process"],
  "G1c-realtime": ["G1-realtime"],
  G1: ["G1-process"],
  "G1-process": ["G1-realtime"],
  "G-single-item": ["G-single", "G-single-item-process", "G-nonadjacent-item"],
  "G-single-item-process": ["G-single-process", "G-single-item-realtime", "G-nonadjacent-item-process"],
  "G-single-item-realtime": ["G-single-realtime", "G-nonadjacent-item-realtime"],
  "G-single": ["G-nonadjacent", "GSIb", "G-single-process"],
  "G-single-process": ["G-nonadjacent-process", "G-single-realtime"],
  "G-single-realtime": ["G-nonadjacent-realtime"],
  "G-nonadjacent-item": ["G-nonadjacent", "G2-item", "G-nonadjacent-item-process"],
  "G-nonadjacent-item-process": ["G-nonadjacent-process", "G2-item-process", "G-nonadjacent-item-realtime"],
  "G-nonadjacent-item-realtime": ["G2-item-realtime", "G-nonadjacent-realtime"],
  "G-nonadjacent": ["G2", "G-nonadjacent-process"],
  "G-nonadjacent-process": ["G2-process", "G-nonadjacent-realtime"],
  "G-nonadjacent-realtime": ["G2-realtime"],
  G2: ["G2-process"],
  "G2-item": ["G2", "G2-item-process"],
  "G2-item-process": ["G2-process", "G2-item-realtime"],
  "G2-item-realtime": ["G2-realtime"],
  "G2-process": ["G2-realtime"],
  GSIa: ["GSI"],
  GSIb: ["GSI"],
  "incompatible-order": ["G1a"],
  "future-read": ["G1c"],
  "dirty-update": ["G1a"],
  "lost-update": ["write-skew", "G2-item"],
  "write-skew": ["G2"],
};

/** Not implication, only "usually worse": used to search for the worst cycles first. */
const MORE_SEVERE: Record<string, string[]> = {
  G0: ["G1c"],
  "G0-process": ["G1c-process"],
  "G0-realtime": ["G1c-realtime"],
  G1c: ["G-single", "G2-item"],
  "G1c-process": ["G-single-process", "G2-item-process"],
  "G1c-realtime": ["G-single-realtime", "G2-item-realtime"],
  G2: ["G0-process"],
  "G2-process": ["G0-realtime"],
};

/** a -> weaker models (a history satisfying a satisfies each of them). */
const MODEL_IMPLIES: Record<string, string[]> = {
  "causal-cerone": ["read-atomic"],
  "consistent-view": ["cursor-stability", "monotonic-view"],
  "cursor-stability": ["read-committed"],
  "forward-consistent-view": ["consistent-view"],
  "read-committed": ["read-uncommitted"],
  serializable: ["repeatable-read", "update-serializable", "snapshot-isolation"],
  "update-serializable": ["forward-consistent-view"],
  "monotonic-atomic-view": ["read-committed"],
  "monotonic-view": ["read-committed"],
  "monotonic-snapshot-read": ["read-committed"],
  "parallel-snapshot-isolation": ["causal-cerone", "update-atomic"],
  prefix: ["causal-cerone"],
  "read-atomic": ["monotonic-atomic-view"],
  "repeatable-read": ["cursor-stability", "monotonic-atomic-view"],
  "update-atomic": ["read-atomic"],
  "snapshot-isolation": ["forward-consistent-view", "monotonic-atomic-view", "monotonic-snapshot-read", "parallel-snapshot-isolation", "prefix"],
  "strict-serializable": ["serializable", "snapshot-isolation", "strong-snapshot-isolation", "strong-session-serializable"],
  "strong-session-read-uncommitted": ["read-uncommitted"],
  "strong-session-read-committed": ["read-committed", "strong-session-read-uncommitted"],
  "strong-read-uncommitted": ["strong-session-read-uncommitted"],
  "strong-read-committed": ["strong-session-read-committed", "strong-read-uncommitted"],
  "strong-session-serializable": ["serializable", "strong-session-snapshot-isolation"],
  "strong-session-snapshot-isolation": ["snapshot-isolation", "strong-session-read-committed"],
  "strong-snapshot-isolation": ["strong-session-snapshot-isolation", "strong-read-committed"],
};

/** Other names for the same model. */
const ALIASES: Record<string, string> = {
  "strong-serializable": "strict-serializable",
  "conflict-serializable": "serializable",
  "PL-SS": "strict-serializable",
  "PL-3": "serializable",
  "PL-2.99": "repeatable-read",
  "PL-SI": "snapshot-isolation",
  "PL-2": "read-committed",
  "PL-1": "read-uncommitted",
};

/** Anomalies each model rules out directly (weaker models' anomalies are ruled out too). */
const PROSCRIBES: Record<string, string[]> = {
  "causal-cerone": ["internal", "G1a"],
  "cursor-stability": ["G1", "G-cursor", "lost-update"],
  "monotonic-view": ["G1", "G-monotonic"],
  "monotonic-snapshot-read": ["G1", "G-MSR"],
  "consistent-view": ["G1", "G-single"],
  "forward-consistent-view": ["G1", "G-SIb"],
  "parallel-snapshot-isolation": ["internal", "G1a"],
  serializable: ["G1", "G2", "internal", "predicate-read-miss", "PL-3-cycle-exists"],
  "read-committed": ["G1", "PL-2-cycle-exists"],
  "read-uncommitted": ["G0", "duplicate-elements", "cyclic-versions", "PL-1-cycle-exists"],
  prefix: ["internal", "G1a"],
  "snapshot-isolation": ["internal", "G1", "G-SI", "G-nonadjacent", "PL-SI-cycle-exists"],
  "read-atomic": ["internal", "G1a", "future-read"],
  "repeatable-read": ["G1", "G2-item", "PL-2.99-cycle-exists", "lost-update"],
  "update-atomic": ["lost-update"],
  "strict-serializable": ["G1", "G1c-realtime", "G2-realtime", "PL-SS-cycle-exists"],
  "strong-session-read-uncommitted": ["strong-session-PL-1-cycle-exists", "G0-process"],
  "strong-session-read-committed": ["strong-session-PL-2-cycle-exists", "G1c-process"],
  "strong-read-uncommitted": ["strong-PL-1-cycle-exists", "G0-realtime"],
  "strong-read-committed": ["strong-PL-2-cycle-exists", "G1c-realtime"],
  "strong-session-snapshot-isolation": ["internal", "G1-process", "G-nonadjacent-process", "strong-session-snapshot-isolation-cycle-exists"],
  "strong-snapshot-isolation": ["internal", "G1-realtime", "G-nonadjacent-realtime", "strong-snapshot-isolation-cycle-exists"],
  "strong-session-serializable": ["G1-process", "G2-process", "strong-session-serializable-cycle-exists"],
  "update-serializable": ["G1", "G-update"],
};

/** Anomalies that make a verdict "unknown" rather than a violation. */
export const UNKNOWN_ANOMALIES: ReadonlySet<string> = new Set(["empty-transaction-graph", "cycle-search-timeout"]);

/** The models we report on, weakest to strongest. */
export const LADDER = [
  "read-uncommitted",
  "read-committed",
  "repeatable-read",
  "snapshot-isolation",
  "serializable",
  "strong-session-serializable",
  "strong-snapshot-isolation",
  "strict-serializable",
] as const;

function invert(g: Record<string, string[]>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [a, bs] of Object.entries(g)) for (const b of bs) out.set(b, [...(out.get(b) ?? []), a]);
  return out;
}
function closure(start: Iterable<string>, edges: (x: string) => readonly string[] | undefined): Set<string> {
  const seen = new Set<string>();
  const stack = [...start];
  while (stack.length > 0) {
    const x = stack.pop() as string;
    if (seen.has(x)) continue;
    seen.add(x);
    for (const y of edges(x) ?? []) stack.push(y);
  }
  return seen;
}
const impliedBy = invert(IMPLIES);
const modelImpliedBy = invert(MODEL_IMPLIES);
const proscribedBy = invert(PROSCRIBES);

export const canonicalModel = (m: string): string => ALIASES[m] ?? m;
export const isKnownModel = (m: string): boolean => canonicalModel(m) in PROSCRIBES || canonicalModel(m) in MODEL_IMPLIES || modelImpliedBy.has(canonicalModel(m));

/** Anomalies implied by these (including themselves). */
export const impliedAnomalies = (as: Iterable<string>): Set<string> => closure(as, (a) => IMPLIES[a]);
/** Anomalies that would imply any of these (including themselves). */
export const anomaliesImplying = (as: Iterable<string>): Set<string> => closure(as, (a) => impliedBy.get(a));
/** Models these imply (including themselves). */
export const weakerModels = (ms: Iterable<string>): Set<string> => closure([...ms].map(canonicalModel), (m) => MODEL_IMPLIES[m]);
/** Models that imply these (including themselves): impossible if these are. */
export const strongerModels = (ms: Iterable<string>): Set<string> => closure([...ms].map(canonicalModel), (m) => modelImpliedBy.get(m));

/** Anomalies that must be absent for all of `models` to hold. */
export function anomaliesProhibitedBy(models: Iterable<string>): Set<string> {
  const direct: string[] = [];
  for (const m of weakerModels(models)) direct.push(...(PROSCRIBES[m] ?? []));
  return anomaliesImplying(direct);
}

/** Models that cannot hold given these anomalies. */
export function impossibleModels(anomalies: Iterable<string>): Set<string> {
  const direct: string[] = [];
  for (const a of impliedAnomalies(anomalies)) direct.push(...(proscribedBy.get(a) ?? []));
  return strongerModels(direct);
}

/** Of `ms`, those not implied by another one in `ms` (the strongest). */
export function strongest(ms: Iterable<string>): string[] {
  const all = new Set(ms);
  return [...all].filter((m) => ![...all].some((o) => o !== m && weakerModels([o]).has(m))).sort();
}
/** Of `ms`, those that do not imply another one in `ms` (the weakest). */
export function weakest(ms: Iterable<string>): string[] {
  const all = new Set(ms);
  return [...all].filter((m) => ![...all].some((o) => o !== m && strongerModels([o]).has(m))).sort();
}

/** Search order for cycle anomalies: fewest implying/more-severe anomalies first, then by name. */
export function severityDepth(): Map<string, number> {
  const preds = new Map<string, string[]>();
  const nodes = new Set<string>();
  for (const g of [IMPLIES, MORE_SEVERE]) {
    for (const [a, bs] of Object.entries(g)) {
      nodes.add(a);
      for (const b of bs) {
        nodes.add(b);
        preds.set(b, [...(preds.get(b) ?? []), a]);
      }
    }
  }
  const depth = new Map<string, number>();
  const visit = (x: string): number => {
    const known = depth.get(x);
    if (known !== undefined) return known;
    const d = Math.max(-1, ...(preds.get(x) ?? []).map(visit)) + 1;
    depth.set(x, d);
    return d;
  };
  for (const x of nodes) visit(x);
  return depth;
}
