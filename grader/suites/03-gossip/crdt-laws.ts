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
  by?: number;
  element?: string;
  remove?: boolean;
  /** For an OR-Set remove: the adds of its element the replica had seen. */
  observed?: number[];
  value?: string;
  time?: number;
}

export interface CrdtSpec<T extends Crdt<Json, unknown>, Op> {
  name: string;
  /** The type's rule, quoted when a replica reads the wrong value. */
  rule: string;
  cls(impl: Lab3): CrdtClass<T>;
  op: fc.Arbitrary<Op>;
  /** Applies `op` to `replica`; returns the model event and how to show the call. */
  apply(obj: T, op: Op, e: { id: number; replica: string; known: ModelEvent[]; clock: number }): { event: ModelEvent; call: string };
  expected(known: ModelEvent[]): unknown;
}

type Step<Op> = { kind: "op"; at: number; op: Op } | { kind: "merge"; into: number; from: number };

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const show = (v: unknown) => JSON.stringify(v);

const JSON_HINT = "(state() must be plain JSON, and a replica rebuilt from it must hold the same data: a Map or Set turns into {} in JSON)";

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
  );
  const Cls = spec.cls(impl);
  checkProperty(t, fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => {
    const objs = REPLICAS.map((r) => new Cls(r));
    const known: Set<ModelEvent>[] = REPLICAS.map(() => new Set());
    const clocks = REPLICAS.map(() => 0);
    const done: string[] = [];
    let ids = 0;
    const snapshot = (i: number): Json => JSON.parse(JSON.stringify((objs[i] as T).state() ?? null)) as Json;
    const copy = (i: number, state: Json): T => new Cls(REPLICAS[i] as string, state);
    for (const s of steps) {
      let at: number;
      if (s.kind === "op") {
        at = s.at;
        clocks[at] = (clocks[at] as number) + 1 + (ids % 2);
        const { event, call } = spec.apply(objs[at] as T, s.op, {
          id: ++ids,
          replica: REPLICAS[at] as string,
          known: [...(known[at] as Set<ModelEvent>)],
          clock: clocks[at] as number,
        });
        known[at]?.add(event);
        done.push(`${REPLICAS[at]}.${call}`);
      } else {
        at = s.into;
        (objs[at] as T).merge(snapshot(s.from));
        for (const e of known[s.from] as Set<ModelEvent>) known[at]?.add(e);
        done.push(`${REPLICAS[at]}.merge(${REPLICAS[s.from]}.state())`);
      }
      const got = (objs[at] as T).value();
      const want = spec.expected([...(known[at] as Set<ModelEvent>)]);
      if (!same(got, want)) {
        return `${spec.name}: after ${done.join("; ")}, ${REPLICAS[at]}.value() is ${show(got)} but should be ${show(want)} given the updates it has seen (${spec.rule}). A merge must never lose an update, and an update must show at once where it was made`;
      }
    }
    const history = `after ${done.join("; ")}`;
    const value = (x: T) => x.value();
    for (let i = 0; i < REPLICAS.length; i++) {
      const a = REPLICAS[i] as string;
      const rebuilt = copy(i, snapshot(i));
      if (!same(value(rebuilt), value(objs[i] as T))) {
        return `${spec.name}: ${history}, new ${spec.name}("${a}", ${a}.state()).value() is ${show(value(rebuilt))}, but ${a}.value() is ${show(value(objs[i] as T))} ${JSON_HINT}`;
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
          return `${spec.name}: merge is not commutative: ${history}, merging ${REPLICAS[j]} into ${REPLICAS[i]} gives ${show(ab)} but merging ${REPLICAS[i]} into ${REPLICAS[j]} gives ${show(ba)}. Replicas that have seen the same updates must read the same, whatever the order of merges`;
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
  });
}

// ------------------------------------------------------------------ the four types

const sumBy = (known: ModelEvent[]) => known.reduce((s, e) => s + (e.by ?? 0), 0);

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
};

export const orSetSpec: CrdtSpec<ORSet, { remove: boolean; element: string }> = {
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
  expected(known) {
    const removed = new Set(known.flatMap((k) => k.observed ?? []));
    return [...new Set(known.filter((k) => !k.remove && !removed.has(k.id)).map((k) => k.element as string))].sort();
  },
};

export const lwwSpec: CrdtSpec<LWWRegister, null> = {
  name: "LWWRegister",
  rule: "the write with the largest timestamp wins, and on equal timestamps the larger replica id",
  cls: (impl) => impl.LWWRegister,
  op: fc.constant(null),
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
};
