/**
 * Part B's properties. fast-check draws random histories over three replicas (updates, and merges of
 * one replica's state into another); the states they reach are the learner's own. A model knows which
 * updates each replica has seen and what its value must be, so "merge never loses an update" is
 * checked after every step; then the merge laws are checked on the three final states.
 */
import fc from "fast-check";
import type { Json } from "../../sim/api.js";
import type { TestContext } from "../../runner/suite.js";
import { checkProperty } from "../shared/property.js";
import type { Crdt, CrdtClass, GCounter, Lab3, LWWRegister, ORSet, PNCounter } from "./interface.js";

const REPLICAS = ["r1", "r2", "r3"] as const;

/** What a model knows of one update: the fields each type's model reads. */
export interface ModelEvent {
  id: number;
  replica: string;
  /** The history step (1-based) that made it, and the call as shown, e.g. `r1.add("a")`. */
  step: number;
  call: string;
  by?: number;
  element?: string;
  remove?: boolean;
  /** For an OR-Set remove: the adds of its element the replica had seen. */
  observed?: number[];
  value?: string;
  time?: number;
}

/** What a wrong read is explained with: the replica, what it has seen and since which step, the history. */
export interface Diagnosis {
  replica: string;
  /** Every update the replica has seen, with the step at which it saw it first. */
  known: ReadonlyMap<ModelEvent, number>;
  /** The history so far, one call per step; `steps[i]` is step i + 1. */
  steps: readonly string[];
  /** The step just taken (1-based), and what kind it was. */
  step: number;
  kind: Step<unknown>["kind"];
  /** Earlier steps (1-based) at which this replica was rebuilt from its own state. */
  rebuilds: readonly number[];
  /**
   * For a merge or a rebuild: what the replica that was merged from (or rebuilt) reads, and what an
   * empty replica reads after merging the same state. They tell a state that lacks an update from a
   * merge that ignores it.
   */
  source?: { replica: string; value: unknown; mergedIntoEmpty: unknown };
}

export interface CrdtSpec<T extends Crdt<Json, unknown>, Op> {
  name: string;
  /** The type's rule, quoted when a replica reads the wrong value. */
  rule: string;
  cls(impl: Lab3): CrdtClass<T>;
  op: fc.Arbitrary<Op>;
  /** Applies `op` to `replica`; returns the model event (without its step and call) and how to show the call. */
  apply(obj: T, op: Op, e: { id: number; replica: string; known: ModelEvent[]; clock: number }): { event: Omit<ModelEvent, "step" | "call">; call: string };
  expected(known: ModelEvent[]): unknown;
  /** Names the update a wrong read lost (or counted twice), and at which step: the cause, not the symptom. */
  explain(got: unknown, want: unknown, d: Diagnosis): string;
  /** Histories always checked before the random ones: each rule's classic counterexample. */
  scripted?: Step<Op>[][];
}

/**
 * A history step: an update at a replica, a merge of one replica's state into another, or a replica
 * rebuilt from its own `state()` (as a node that restarts from a snapshot does).
 */
export type Step<Op> = { kind: "op"; at: number; op: Op } | { kind: "merge"; into: number; from: number } | { kind: "rebuild"; at: number };

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const show = (v: unknown) => JSON.stringify(v);

/**
 * Where `value` stops being plain JSON (a Map, a Set, a class instance, a function, NaN), or null.
 * An undefined field is let pass: JSON drops it, which is what a learner who writes one expects.
 */
export function notPlainJson(value: unknown, path = "state()"): string | null {
  if (value === null || value === undefined || typeof value === "string" || typeof value === "boolean") return null;
  if (typeof value === "number") return Number.isFinite(value) ? null : `${path} is ${value}`;
  if (typeof value !== "object") return `${path} is a ${typeof value}`;
  if (value instanceof Map || value instanceof Set) return `${path} is a ${value instanceof Map ? "Map" : "Set"} (it turns into {} in JSON)`;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const bad = notPlainJson(v, `${path}[${i}]`);
      if (bad) return bad;
    }
    return null;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return `${path} is an instance of ${proto?.constructor?.name ?? "a class"}, not a plain object`;
  for (const [k, v] of Object.entries(value)) {
    const bad = notPlainJson(v, `${path}.${k}`);
    if (bad) return bad;
  }
  return null;
}

export function checkCrdtLaws<T extends Crdt<Json, unknown>, Op>(impl: Lab3, t: TestContext, spec: CrdtSpec<T, Op>): void {
  const replica = fc.integer({ min: 0, max: REPLICAS.length - 1 });
  const step: fc.Arbitrary<Step<Op>> = fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("op" as const), at: replica, op: spec.op }) },
    {
      weight: 2,
      arbitrary: fc
        .record({ kind: fc.constant("merge" as const), into: replica, from: replica })
        .filter((s) => s.into !== s.from),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("rebuild" as const), at: replica }) },
  );
  const Cls = spec.cls(impl);
  const check = (steps: Step<Op>[]): string | null => {
    const objs = REPLICAS.map((r) => new Cls(r));
    const known: Map<ModelEvent, number>[] = REPLICAS.map(() => new Map());
    const rebuilds: number[][] = REPLICAS.map(() => []);
    const clocks = REPLICAS.map(() => 0);
    const done: string[] = [];
    let ids = 0;
    let problem: string | null = null;
    /** `state()` as JSON; checks on the way that it is plain JSON and that an earlier snapshot never changed. */
    const snapshot = (i: number): Json => {
      const raw = (objs[i] as T).state();
      const bad = notPlainJson(raw, `${REPLICAS[i]}.state()`);
      if (bad !== null && problem === null) {
        problem = `${spec.name}: after ${numbered(done) || "no updates"}, ${bad}. state() must be plain JSON (objects, arrays, strings, numbers), so that a replica rebuilt from it, or a peer that receives it over the network, holds the same data`;
      }
      return JSON.parse(JSON.stringify(raw ?? null)) as Json;
    };
    const copy = (i: number, state: Json): T => new Cls(REPLICAS[i] as string, state);
    /** What an empty replica reads after merging replica i's state. */
    const intoEmpty = (i: number): unknown => {
      const empty = new Cls(`${REPLICAS[i]}-probe`);
      empty.merge(snapshot(i));
      return empty.value();
    };
    /** A snapshot as returned, and its JSON then: if a later step changes it, state() handed out live data. */
    const held = (i: number) => {
      const raw = (objs[i] as T).state();
      return { raw, json: JSON.stringify(raw ?? null) };
    };
    for (const [index, s] of steps.entries()) {
      const stepNo = index + 1;
      let at: number;
      let before: { raw: Json; json: string };
      if (s.kind === "op") {
        at = s.at;
        before = held(at);
        clocks[at] = (clocks[at] as number) + 1 + (ids % 2);
        const { event, call } = spec.apply(objs[at] as T, s.op, {
          id: ++ids,
          replica: REPLICAS[at] as string,
          known: [...(known[at] as Map<ModelEvent, number>).keys()],
          clock: clocks[at] as number,
        });
        const shown = `${REPLICAS[at]}.${call}`;
        known[at]?.set({ ...event, step: stepNo, call: shown }, stepNo);
        done.push(shown);
      } else if (s.kind === "merge") {
        at = s.into;
        before = held(at);
        (objs[at] as T).merge(snapshot(s.from));
        for (const [e] of known[s.from] as Map<ModelEvent, number>) if (!known[at]?.has(e)) known[at]?.set(e, stepNo);
        done.push(`${REPLICAS[at]}.merge(${REPLICAS[s.from]}.state())`);
      } else {
        at = s.at;
        before = held(at);
        objs[at] = copy(at, snapshot(at));
        rebuilds[at]?.push(stepNo);
        done.push(`${REPLICAS[at]} = new ${spec.name}("${REPLICAS[at]}", ${REPLICAS[at]}.state())`);
      }
      if (problem !== null) return problem;
      if (s.kind !== "rebuild" && JSON.stringify(before.raw ?? null) !== before.json) {
        return `${spec.name}: ${REPLICAS[at]}.state() taken before step ${stepNo} (${done[index]}) changed from ${before.json} to ${JSON.stringify(before.raw)} when that step ran. state() must return a snapshot that later updates never change: copy what you hold, do not hand out the objects you keep updating`;
      }
      const got = (objs[at] as T).value();
      const knownHere = known[at] as Map<ModelEvent, number>;
      const want = spec.expected([...knownHere.keys()]);
      if (!same(got, want)) {
        const from = s.kind === "merge" ? s.from : s.kind === "rebuild" ? at : null;
        const source = from === null ? undefined : { replica: REPLICAS[from] as string, value: from === at ? null : (objs[from] as T).value(), mergedIntoEmpty: intoEmpty(from) };
        const why = spec.explain(got, want, { replica: REPLICAS[at] as string, known: knownHere, steps: done, step: stepNo, kind: s.kind, rebuilds: (rebuilds[at] as number[]).filter((r) => r < stepNo), ...(source ? { source } : {}) });
        return `${spec.name}: after ${numbered(done)}, ${REPLICAS[at]}.value() is ${show(got)} but should be ${show(want)} given the updates it has seen (${spec.rule}). ${why}`;
      }
    }
    const history = `after ${numbered(done)}`;
    const value = (x: T) => x.value();
    for (let i = 0; i < REPLICAS.length; i++) {
      const a = REPLICAS[i] as string;
      const rebuilt = copy(i, snapshot(i));
      if (problem !== null) return problem;
      if (!same(value(rebuilt), value(objs[i] as T))) {
        const knownHere = known[i] as Map<ModelEvent, number>;
        const why = spec.explain(value(rebuilt), value(objs[i] as T), {
          replica: a,
          known: knownHere,
          steps: [...done, `new ${spec.name}("${a}", ${a}.state())`],
          step: done.length + 1,
          kind: "rebuild",
          rebuilds: [],
          source: { replica: a, value: null, mergedIntoEmpty: intoEmpty(i) },
        });
        return `${spec.name}: ${history}, new ${spec.name}("${a}", ${a}.state()).value() is ${show(value(rebuilt))}, but ${a}.value() is ${show(value(objs[i] as T))}: a replica rebuilt from a snapshot must hold the same data. ${why}`;
      }
      const twice = copy(i, snapshot(i));
      twice.merge(snapshot(i));
      if (!same(value(twice), value(objs[i] as T))) {
        return `${spec.name}: merge is not idempotent: ${history}, merging ${a}'s state into a copy of itself gives ${show(value(twice))} instead of ${show(value(objs[i] as T))}. Merging the same state twice (gossip repeats itself) must change nothing`;
      }
    }
    const join = (i: number, other: Json): T => {
      const x = copy(i, snapshot(i));
      x.merge(other);
      return x;
    };
    for (let i = 0; i < REPLICAS.length; i++) {
      for (let j = 0; j < REPLICAS.length; j++) {
        if (i === j) continue;
        const ab = value(join(i, snapshot(j)));
        const ba = value(join(j, snapshot(i)));
        if (!same(ab, ba)) {
          // Say which side the model disagrees with, and why.
          const want = spec.expected([...new Set([...(known[i] as Map<ModelEvent, number>).keys(), ...(known[j] as Map<ModelEvent, number>).keys()])]);
          const [into, from, got] = same(ab, want) ? [j, i, ba] : [i, j, ab];
          const both = new Map(known[into] as Map<ModelEvent, number>);
          for (const [e] of known[from] as Map<ModelEvent, number>) if (!both.has(e)) both.set(e, done.length + 1);
          const call = `${REPLICAS[into]}.merge(${REPLICAS[from]}.state())`;
          const why = same(got, want)
            ? ""
            : ` ${spec.explain(got, want, { replica: REPLICAS[into] as string, known: both, steps: [...done, call], step: done.length + 1, kind: "merge", rebuilds: [] })}`;
          return `${spec.name}: merge is not commutative: ${history}, merging ${REPLICAS[j]} into ${REPLICAS[i]} gives ${show(ab)} but merging ${REPLICAS[i]} into ${REPLICAS[j]} gives ${show(ba)}, and both should read ${show(want)}. Replicas that have seen the same updates must read the same, whatever the order of merges.${why}`;
        }
      }
    }
    const [a, b, c] = [0, 1, 2];
    const left = join(a, snapshot(b));
    left.merge(JSON.parse(JSON.stringify(copy(c, snapshot(c)).state())) as Json);
    const right = value(join(a, JSON.parse(JSON.stringify(join(b, snapshot(c)).state())) as Json));
    if (!same(value(left), right)) {
      return `${spec.name}: merge is not associative: ${history}, (r1 ⊔ r2) ⊔ r3 gives ${show(value(left))} but r1 ⊔ (r2 ⊔ r3) gives ${show(right)}`;
    }
    return null;
  };
  for (const steps of spec.scripted ?? []) {
    const failure = check(steps);
    if (failure !== null) t.fail(failure);
  }
  checkProperty(t, fc.array(step, { minLength: 1, maxLength: 30 }), check);
}

/** "(1) r1.add("a"); (2) r1.remove("a")": a history whose steps the explanations can refer to. */
function numbered(steps: readonly string[]): string {
  return steps.map((call, i) => `(${i + 1}) ${call}`).join("; ");
}

/** How a replica came to know an update: made it at that step, or took it in at a later step. */
function howSeen(e: ModelEvent, d: Diagnosis): string {
  const learnt = d.known.get(e) as number;
  return learnt === e.step ? `made at step ${e.step}` : `made at step ${e.step}, seen by ${d.replica} since step ${learnt} (${d.steps[learnt - 1]})`;
}

const stepNamed = (d: Diagnosis) => `step ${d.step} (${d.steps[d.step - 1]})`;

// ------------------------------------------------------------------ the four types

const op = <Op>(at: number, o: Op): Step<Op> => ({ kind: "op", at, op: o });
const merge = (into: number, from: number): Step<never> => ({ kind: "merge", into, from });

const sumBy = (known: ModelEvent[]) => known.reduce((s, e) => s + (e.by ?? 0), 0);

/** A counter read off by exactly one update names it: lost, or counted twice. */
function explainCount(got: unknown, want: unknown, d: Diagnosis): string {
  const diff = (got as number) - (want as number);
  const seen = [...d.known.keys()];
  const lost = seen.filter((e) => e.by === -diff);
  const twice = seen.filter((e) => e.by === diff);
  const during = d.kind === "merge" ? `The merge at ${stepNamed(d)}` : d.kind === "rebuild" ? `Rebuilding from the snapshot at ${stepNamed(d)}` : `Step ${d.step} (${d.steps[d.step - 1]})`;
  if (lost.length > 0) {
    const e = lost[lost.length - 1] as ModelEvent;
    return `${during} lost ${e.call} (${howSeen(e, d)}): a merge must keep every replica's updates (increments and decrements apart, each entry only growing)`;
  }
  if (twice.length > 0) {
    const e = twice[twice.length - 1] as ModelEvent;
    return `${during} counted ${e.call} (${howSeen(e, d)}) twice: merging what a replica has already seen must change nothing (take the maximum of each replica's entry)`;
  }
  return `${d.replica} has seen ${seen.map((e) => e.call).join(", ") || "no updates"}; its value went wrong at ${stepNamed(d)}`;
}

export const gCounterSpec: CrdtSpec<GCounter, number> = {
  name: "GCounter",
  rule: "the value is the sum of every increment seen",
  cls: (impl) => impl.GCounter,
  op: fc.integer({ min: 1, max: 5 }),
  apply(obj, by, e) {
    obj.increment(by);
    return { event: { id: e.id, replica: e.replica, by }, call: `increment(${by})` };
  },
  expected: sumBy,
  explain: explainCount,
  scripted: [
    // Concurrent increments, merged both ways and twice.
    [op(0, 2), op(1, 3), merge(0, 1), merge(1, 0), merge(0, 1)],
  ],
};

export const pnCounterSpec: CrdtSpec<PNCounter, number> = {
  name: "PNCounter",
  rule: "the value is the sum of every increment seen, minus every decrement seen",
  cls: (impl) => impl.PNCounter,
  op: fc.integer({ min: -5, max: 5 }).filter((n) => n !== 0),
  apply(obj, by, e) {
    if (by > 0) obj.increment(by);
    else obj.decrement(-by);
    return { event: { id: e.id, replica: e.replica, by }, call: by > 0 ? `increment(${by})` : `decrement(${-by})` };
  },
  expected: sumBy,
  explain: explainCount,
  scripted: [
    // A decrement after a state was shared: merging the newer state must keep it.
    [op(0, 2), merge(1, 0), op(0, -1), merge(1, 0), op(1, 3), merge(0, 1)],
  ],
};

type OrOp = { remove: boolean; element: string };
const orOp = (at: number, element: string, remove = false): Step<OrOp> => op(at, { remove, element });

export const orSetSpec: CrdtSpec<ORSet, OrOp> = {
  name: "ORSet",
  rule: "an element is present if some add of it was seen that no remove seen had observed: a remove cancels only the adds it has seen",
  cls: (impl) => impl.ORSet,
  op: fc.record({ remove: fc.boolean(), element: fc.constantFrom("a", "b", "c") }),
  apply(obj, { remove, element }, e) {
    if (remove) {
      obj.remove(element);
      const observed = e.known.filter((k) => k.element === element && !k.remove).map((k) => k.id);
      return { event: { id: e.id, replica: e.replica, element, remove, observed }, call: `remove("${element}")` };
    }
    obj.add(element);
    return { event: { id: e.id, replica: e.replica, element, remove }, call: `add("${element}")` };
  },
  scripted: [
    // A remove, then an add of the same element at the same replica: the add must show.
    [orOp(0, "a"), orOp(0, "a", true), orOp(0, "a")],
    // A remove that travels: no replica may bring the element back.
    [orOp(0, "a"), merge(1, 0), orOp(1, "a", true), merge(0, 1), merge(2, 0)],
    // Add wins: an add concurrent with a remove survives the merge.
    [orOp(0, "a"), merge(1, 0), orOp(1, "a", true), orOp(0, "a"), merge(1, 0)],
    // A replica rebuilt from its own state goes on making adds that no earlier remove cancels.
    [orOp(0, "a"), orOp(0, "a", true), { kind: "rebuild", at: 0 }, orOp(0, "a"), merge(1, 0)],
  ],
  expected(known) {
    const removed = new Set(known.flatMap((k) => k.observed ?? []));
    return [...new Set(known.filter((k) => !k.remove && !removed.has(k.id)).map((k) => k.element as string))].sort();
  },
  explain(got, want, d) {
    const has = new Set(got as string[]);
    const should = new Set(want as string[]);
    const seen = [...d.known.keys()];
    const extra = [...has].find((e) => !should.has(e));
    if (extra !== undefined) {
      // Every add of `extra` seen here was observed by a remove seen here: name the latest such remove.
      const removes = seen.filter((k) => k.element === extra && k.remove && (k.observed ?? []).length > 0);
      const r = removes[removes.length - 1] as ModelEvent;
      const learnt = d.known.get(r) as number;
      const lost = `${r.call} (${howSeen(r, d)}) is lost at ${d.replica}: "${extra}" is back`;
      const src = d.source;
      const emptyToo = src !== undefined && (src.mergedIntoEmpty as string[]).includes(extra);
      const mergeIgnores = `merge must take in the removes of the state it merges (the tags they cancelled), not only its adds`;
      if (d.kind === "rebuild") {
        return emptyToo
          ? `${lost} in the replica rebuilt at ${stepNamed(d)}, and an empty replica that merges ${src.replica}.state() has "${extra}" too: ${mergeIgnores}`
          : `${lost} in the replica rebuilt at ${stepNamed(d)}: state() must carry the removes (the tags they cancelled), and the constructor must restore them`;
      }
      if (d.kind === "merge" && src !== undefined) {
        if (emptyToo && !(src.value as string[]).includes(extra)) {
          return `${lost} after the merge at ${stepNamed(d)}: ${src.replica} reads ${show(src.value)}, yet an empty replica that merges ${src.replica}.state() has "${extra}": ${mergeIgnores}`;
        }
        if (!emptyToo) {
          return `${lost} after the merge at ${stepNamed(d)}: ${d.replica} still held adds of "${extra}" that the remove cancelled, and ${src.replica}.state() says nothing about them any more. A remove must keep a tombstone of the tags it cancelled, so that merging with a replica that still holds them does not bring the element back`;
        }
      }
      if (d.kind === "merge" && learnt === d.step) return `${lost} after the merge at ${stepNamed(d)}, which brought that remove: ${mergeIgnores}`;
      return `${lost} after ${stepNamed(d)}: a remove cancels every add of the element that the replica has seen`;
    }
    const missing = [...should].find((e) => !has.has(e)) as string;
    const cancelled = new Set(seen.flatMap((k) => k.observed ?? []));
    const live = seen.filter((k) => k.element === missing && !k.remove && !cancelled.has(k.id));
    const a = live[live.length - 1] as ModelEvent;
    if (d.kind === "op" && a.step === d.step) {
      const rebuilt = d.rebuilds.length > 0 ? d.rebuilds[d.rebuilds.length - 1] : undefined;
      return rebuilt !== undefined
        ? `${a.call} at step ${a.step} is invisible at ${d.replica} right after it. ${d.replica} was rebuilt from its own state at step ${rebuilt} (${d.steps[rebuilt - 1]}), and its next add evidently reused a tag that an earlier remove had cancelled: a replica rebuilt from a snapshot must go on issuing tags it never used before (restore its counter from the state)`
        : `${a.call} at step ${a.step} is invisible at ${d.replica} right after it: an add must survive any remove made before it (give every add a new tag, and let a remove cancel only the tags it has seen, never the element for good)`;
    }
    if (d.kind === "merge" && d.known.get(a) === d.step) return `The merge at ${stepNamed(d)} lost ${a.call} (${howSeen(a, d)}): merge must take in every add tag of the other replica`;
    return `${a.call} (${howSeen(a, d)}) was cancelled at ${stepNamed(d)}, though no remove seen here had observed it: a remove cancels only the adds it has seen (add wins), so tombstone add tags, not elements`;
  },
};

export const lwwSpec: CrdtSpec<LWWRegister, null> = {
  name: "LWWRegister",
  rule: "the write with the largest timestamp wins, and on equal timestamps the larger replica id",
  cls: (impl) => impl.LWWRegister,
  op: fc.constant(null),
  scripted: [
    // r1 and r3 both write at timestamp 1 (r2 at 2, seen by neither): r3 wins the tie on both.
    [op(0, null), op(1, null), op(2, null), merge(0, 2), merge(2, 0)],
  ],
  apply(obj, _op, e) {
    const value = `w${e.id}`;
    obj.set(value, e.clock);
    return { event: { id: e.id, replica: e.replica, value, time: e.clock }, call: `set("${value}", ${e.clock})` };
  },
  expected(known) {
    let best: ModelEvent | null = null;
    for (const k of known) {
      const kt = k.time as number;
      if (best === null || kt > (best.time as number) || (kt === best.time && k.replica > best.replica)) best = k;
    }
    return best === null ? null : (best.value as string);
  },
  explain(got, want, d) {
    const seen = [...d.known.keys()];
    const winner = seen.find((k) => k.value === want) as ModelEvent;
    const shown = seen.find((k) => k.value === got);
    if (shown === undefined) return `The write that must win is ${winner.call} (${howSeen(winner, d)}), and ${show(got)} is no write ${d.replica} has seen`;
    const w = winner.call;
    if (shown.time === winner.time) {
      return `${shown.call} and ${w} have the same timestamp ${winner.time}: the tie goes to the larger replica id ("${winner.replica}" > "${shown.replica}"), the same on every replica, whatever the order of merges`;
    }
    return `${w} (${howSeen(winner, d)}) has the larger timestamp (${winner.time} > ${shown.time}) and must win over ${shown.call}, whichever arrives first`;
  },
};
