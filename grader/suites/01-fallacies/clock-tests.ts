/**
 * Part A: Lamport and vector clocks. Properties of each operation, then the real test: in a
 * simulated run, timestamps must agree with the happens-before relation the grader derives from
 * what was actually sent and received.
 */
import fc from "fast-check";
import type { Json, NodeContext, NodeId } from "../../sim/api.js";
import { HappensBefore } from "../../check/happens-before.js";
import type { Simulation } from "../../sim/simulation.js";
import type { LabTest, TestContext } from "../../runner/suite.js";
import { checkProperty } from "../shared/property.js";
import type { Lab1, LamportStamp, Ordering, VectorTimestamp } from "./interface.js";

const NODES = ["n1", "n2", "n3", "n4"];

// ------------------------------------------------------------------ a recorded run

type Kind = "local" | "send" | "receive";

interface Recorded {
  index: number;
  node: NodeId;
  kind: Kind;
  at: number;
  sentBy?: number;
  /** Stamps from the clock the run used; the other is a placeholder. */
  lamport: number;
  vector: VectorTimestamp;
  /** The vector as JSON when it was returned, to catch snapshots that change later. */
  vectorText: string;
}

/** One kind of clock behind a common shape, so that each test exercises only the class it grades. */
interface AnyClock {
  tick(): unknown;
  send(): unknown;
  receive(remote: never): unknown;
}

/**
 * Four nodes each perform 25 events (local steps and sends to random peers) at random moments,
 * over a network that reorders and duplicates; every event and every receive is stamped by the
 * learner's clock of the given kind. Returns the events in the order they happened.
 */
function recordRun(impl: Lab1, t: TestContext, kind: "lamport" | "vector"): { events: Recorded[]; sim: Simulation } {
  const sim = t.simulation({ network: { latency: { kind: "uniform", minMs: 1, maxMs: 60 }, duplicate: 0.1 } });
  const events: Recorded[] = [];
  const record = (node: NodeId, what: Kind, stamp: unknown, sentBy?: number): number => {
    const index = events.length;
    const method = `${kind === "lamport" ? "LamportClock" : "VectorClock"}.${what === "local" ? "tick" : what}()`;
    if (kind === "lamport" && typeof stamp !== "number") t.fail(`${method} on ${node} returned ${String(stamp)} instead of a number`);
    if (kind === "vector" && (stamp === null || typeof stamp !== "object")) t.fail(`${method} on ${node} returned ${String(stamp)} instead of a timestamp`);
    const lamport = kind === "lamport" ? (stamp as number) : 0;
    const vector = kind === "vector" ? (stamp as VectorTimestamp) : {};
    events.push({ index, node, kind: what, at: sim.now, lamport, vector, vectorText: JSON.stringify(vector), ...(sentBy !== undefined ? { sentBy } : {}) });
    return index;
  };
  for (const id of NODES) {
    sim.addNode(id, (ctx: NodeContext) => {
      const clock: AnyClock = kind === "lamport" ? new impl.LamportClock(id) : new impl.VectorClock(id);
      let left = 25;
      const step = () => {
        if (left-- <= 0) return;
        if (ctx.random() < 0.3) {
          record(id, "local", clock.tick());
        } else {
          const to = ctx.peers[Math.floor(ctx.random() * ctx.peers.length)] as NodeId;
          const stamp = clock.send();
          const index = record(id, "send", stamp);
          ctx.send(to, { event: index, stamp: stamp as Json });
        }
        ctx.setTimer(1 + Math.floor(ctx.random() * 30));
      };
      return {
        onStart: () => void ctx.setTimer(Math.floor(ctx.random() * 10)),
        onTimer: step,
        onMessage(_from: NodeId, msg: Json) {
          const m = msg as { event: number; stamp: never };
          record(id, "receive", clock.receive(m.stamp), m.event);
        },
      };
    });
  }
  sim.start();
  sim.run();
  return { events, sim };
}

function describe(e: Recorded): string {
  const what = e.kind === "local" ? "a local event" : e.kind === "send" ? "a send" : `the receipt of event ${e.sentBy}`;
  return `event ${e.index} (${what} on ${e.node} at t=${e.at}ms)`;
}

// ------------------------------------------------------------------ reference definitions

function trueOrdering(a: VectorTimestamp, b: VectorTimestamp): Ordering {
  let less = false;
  let more = false;
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[k] ?? 0;
    const y = b[k] ?? 0;
    if (x < y) less = true;
    if (x > y) more = true;
  }
  return less && more ? "concurrent" : less ? "before" : more ? "after" : "equal";
}

const vectorArb = fc.dictionary(fc.constantFrom(...NODES), fc.integer({ min: 0, max: 4 }), { maxKeys: 4 });
const show = (v: VectorTimestamp) => JSON.stringify(v);

/**
 * One operation on a vector clock owned by n2. A received stamp never knows more of n2's own events
 * than n2 does, so `own` (reduced modulo n2's count so far) gives the stamp an n2 entry that is possible.
 */
type VectorOp = { op: "tick" } | { op: "send" } | { op: "receive"; remote: VectorTimestamp; own?: number };

/** Applies `list` to a fresh VectorClock("n2"), comparing each result with the rules; the first breach, or null. */
function vectorRuleBreach(impl: Lab1, list: readonly VectorOp[]): string | null {
  const clock = new impl.VectorClock("n2");
  if (!sameVector(clock.time, {})) return `a new VectorClock has time ${show(clock.time)}; it should be {} (every entry 0)`;
  let model: Record<NodeId, number> = {};
  const done: string[] = [];
  const returned: { call: string; value: VectorTimestamp; text: string }[] = [];
  for (const o of list) {
    let call: string;
    let value: VectorTimestamp;
    let want: Record<NodeId, number>;
    if (o.op === "receive") {
      const mine = model.n2 ?? 0;
      const stamp: VectorTimestamp = Object.freeze({ ...o.remote, ...(o.own !== undefined && mine > 0 ? { n2: o.own % (mine + 1) } : {}) });
      call = `receive(${show(stamp)})`;
      value = clock.receive(stamp);
      const merged: Record<NodeId, number> = { ...model };
      for (const [k, v] of Object.entries(stamp)) merged[k] = Math.max(merged[k] ?? 0, v);
      want = { ...merged, n2: (merged.n2 ?? 0) + 1 };
      done.push(call);
      const after = `on n2, after ${done.join(", ")}`;
      if (!sameVector(value, want)) {
        const own = (value?.n2 ?? 0) - (want.n2 ?? 0);
        const why =
          own === 1 && sameVector({ ...value, n2: want.n2 as number }, want)
            ? "n2's own entry went up by 2: a receive is one event, so take the entry-wise maximum and then add 1 to n2's entry once"
            : own === -1 && sameVector({ ...value, n2: want.n2 as number }, want)
              ? "n2's own entry did not go up: after the entry-wise maximum, the receive itself is an event on n2, so add 1 to n2's entry"
              : "a receive takes the entry-wise maximum of n2's vector and the message's stamp, then adds 1 to n2's own entry";
        return `${after}: ${call} returned ${show(value)}; the rules give ${show(want)}. ${why}`;
      }
    } else {
      call = `${o.op}()`;
      value = clock[o.op]();
      want = { ...model, n2: (model.n2 ?? 0) + 1 };
      done.push(call);
      if (!sameVector(value, want)) {
        return `on n2, after ${done.join(", ")}: ${call} returned ${show(value)}; the rules give ${show(want)}: a ${o.op === "tick" ? "local event" : "send"} adds 1 to n2's own entry and changes nothing else`;
      }
    }
    if (!sameVector(clock.time, value)) return `on n2, after ${done.join(", ")}: ${call} returned ${show(value)} but clock.time is ${show(clock.time)}; they should agree`;
    model = want;
    returned.push({ call, value, text: show(value) });
    for (const r of returned) {
      if (show(r.value) !== r.text) {
        return `on n2, after ${done.join(", ")}: the vector ${r.call} returned was ${r.text} but has since become ${show(r.value)}; return a copy (a snapshot), not the clock's own record`;
      }
    }
  }
  return null;
}

/** Equal as vector timestamps: a missing entry counts as 0. */
function sameVector(a: VectorTimestamp | null | undefined, b: VectorTimestamp): boolean {
  if (a === null || typeof a !== "object") return false;
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if ((a[k] ?? 0) !== (b[k] ?? 0)) return false;
  return true;
}

// ------------------------------------------------------------------ the tests

export const clockTests: LabTest<Lab1>[] = [
  {
    id: "lamport-rules",
    part: "A",
    name: "Lamport clock: every event advances the clock; a receive is later than the stamp it carries",
    points: 5,
    run(impl, t) {
      type Op = { op: "tick" } | { op: "send" } | { op: "receive"; remote: number };
      const ops = fc.array(
        fc.oneof(fc.constant<Op>({ op: "tick" }), fc.constant<Op>({ op: "send" }), fc.integer({ min: 0, max: 50 }).map((remote): Op => ({ op: "receive", remote }))),
        { minLength: 1, maxLength: 30 },
      );
      checkProperty(t, ops, (list) => {
        const clock = new impl.LamportClock("n1");
        if (clock.time !== 0) return `a new LamportClock has time ${clock.time}; it should start at 0`;
        let previous = 0;
        const done: string[] = [];
        for (const o of list) {
          const value = o.op === "receive" ? clock.receive(o.remote) : clock[o.op]();
          const call = o.op === "receive" ? `receive(${o.remote})` : `${o.op}()`;
          done.push(call);
          const after = `after ${done.join(", ")}`;
          if (value !== clock.time) return `${after}: ${call} returned ${value} but clock.time is ${clock.time}; they should agree`;
          if (!(value > previous)) return `${after}: ${call} returned ${value}, not later than the previous value ${previous}; every event must advance the clock`;
          if (o.op === "receive" && !(value > o.remote)) {
            return `${after}: ${call} returned ${value}, but a receive must be later than the timestamp the message carries (${o.remote})`;
          }
          if (o.op === "receive" && value !== Math.max(previous, o.remote) + 1) {
            return `${after}: ${call} returned ${value}; Lamport's rule gives max(${previous}, ${o.remote}) + 1 = ${Math.max(previous, o.remote) + 1}`;
          }
          if (o.op !== "receive" && value !== previous + 1) return `${after}: ${call} returned ${value}; a local event or send adds 1 (expected ${previous + 1})`;
          previous = value;
        }
        return null;
      });
    },
  },
  {
    id: "lamport-happens-before",
    part: "A",
    name: "Lamport clock: if a happens before b then L(a) < L(b), in a simulated run",
    points: 6,
    run(impl, t) {
      const { events } = recordRun(impl, t, "lamport");
      const hb = new HappensBefore(events);
      for (const b of events) {
        for (const a of events) {
          if (hb.before(a.index, b.index) && !(a.lamport < b.lamport)) {
            t.fail(`${describe(a)} happens before ${describe(b)}, but their Lamport times are ${a.lamport} and ${b.lamport}: the clock condition needs ${a.lamport} < ${b.lamport}`, { time: b.at, node: b.node });
          }
        }
      }
    },
  },
  {
    id: "lamport-total-order",
    part: "A",
    name: "Lamport stamps: compareLamport is a total order (time, then node id) that respects happens-before",
    points: 4,
    run(impl, t) {
      const stamp = fc.record({ time: fc.integer({ min: 0, max: 5 }), node: fc.constantFrom(...NODES) });
      const sign = (x: number) => (x < 0 ? -1 : x > 0 ? 1 : 0);
      const expected = (a: LamportStamp, b: LamportStamp) => (a.time !== b.time ? sign(a.time - b.time) : a.node < b.node ? -1 : a.node > b.node ? 1 : 0);
      checkProperty(t, fc.tuple(stamp, stamp), ([a, b]) => {
        const got = impl.compareLamport(a, b);
        if (typeof got !== "number" || Number.isNaN(got)) return `compareLamport(${JSON.stringify(a)}, ${JSON.stringify(b)}) returned ${String(got)}, not a number`;
        const want = expected(a, b);
        if (sign(got) === want) return null;
        const meaning = want < 0 ? "negative (a first)" : want > 0 ? "positive (b first)" : "0 (the same stamp)";
        return `compareLamport(${JSON.stringify(a)}, ${JSON.stringify(b)}) returned ${got}; it should be ${meaning}: order by time, then break ties by node id`;
      });
      const { events } = recordRun(impl, t, "lamport");
      const hb = new HappensBefore(events);
      for (const b of events) {
        for (const a of events) {
          if (a !== b && hb.before(a.index, b.index) && !(impl.compareLamport({ time: a.lamport, node: a.node }, { time: b.lamport, node: b.node }) < 0)) {
            t.fail(`${describe(a)} happens before ${describe(b)}, but compareLamport does not order its stamp first`, { time: b.at, node: b.node });
          }
        }
      }
    },
  },
  {
    id: "vector-rules",
    part: "A",
    name: "Vector clock: each operation returns exactly the vector the rules give, as a snapshot",
    points: 5,
    run(impl, t) {
      // The classic mistakes show on the very first receive, so try the smallest case by name first.
      const first = vectorRuleBreach(impl, [{ op: "receive", remote: { n1: 1 } }]);
      if (first) t.fail(first);
      const remote = fc.dictionary(fc.constantFrom("n1", "n3", "n4"), fc.integer({ min: 0, max: 6 }), { maxKeys: 3 });
      const ops = fc.array(
        fc.oneof(
          fc.constant<VectorOp>({ op: "tick" }),
          fc.constant<VectorOp>({ op: "send" }),
          fc.tuple(remote, fc.nat()).map(([r, own]): VectorOp => ({ op: "receive", remote: r, own })),
        ),
        { minLength: 1, maxLength: 20 },
      );
      checkProperty(t, ops, (list) => vectorRuleBreach(impl, list));
    },
  },
  {
    id: "vector-compare-merge",
    part: "A",
    name: "Vector timestamps: compareVectors and mergeVectors (missing entries count as 0)",
    points: 5,
    run(impl, t) {
      checkProperty(t, fc.tuple(vectorArb, vectorArb), ([a, b]) => {
        const got = impl.compareVectors(a, b);
        const want = trueOrdering(a, b);
        if (got !== want) {
          const keys = (v: VectorTimestamp) => Object.keys(v).filter((k) => (v[k] ?? 0) !== 0).sort().join();
          const missing = keys(a) !== keys(b) ? ", counting a node missing from a timestamp as 0" : "";
          const why =
            want === "concurrent"
              ? `some entries of a are smaller than b's and others larger${missing}`
              : want === "equal"
                ? `no entry differs${missing}`
                : `every entry of one is <= the other's and one is smaller${missing}`;
          return `compareVectors(${show(a)}, ${show(b)}) returned ${JSON.stringify(got)}; the answer is "${want}" (${why})`;
        }
        const merged = impl.mergeVectors(a, b);
        for (const k of NODES) {
          const want = Math.max(a[k] ?? 0, b[k] ?? 0);
          if ((merged?.[k] ?? 0) !== want) return `mergeVectors(${show(a)}, ${show(b)}) returned ${show(merged)}; entry ${k} should be ${want} (the larger of the two)`;
        }
        return null;
      }, 300);
    },
  },
  {
    id: "vector-happens-before",
    part: "A",
    name: "Vector clock: V(a) < V(b) exactly when a happens before b, in a simulated run",
    points: 5,
    run(impl, t) {
      const { events } = recordRun(impl, t, "vector");
      for (const e of events) {
        if (JSON.stringify(e.vector) !== e.vectorText) {
          t.fail(`the vector timestamp returned for ${describe(e)} was ${e.vectorText} but later became ${JSON.stringify(e.vector)}: return a copy, not the clock's own object`, { time: e.at, node: e.node });
        }
      }
      const hb = new HappensBefore(events);
      for (const b of events) {
        for (const a of events) {
          if (a === b) continue;
          const order = trueOrdering(a.vector, b.vector);
          const truth = hb.before(a.index, b.index) ? "before" : hb.before(b.index, a.index) ? "after" : "concurrent";
          if (order !== truth) {
            t.fail(`${describe(a)} and ${describe(b)} are ${truth === "concurrent" ? "concurrent" : `ordered (a happens ${truth} b)`}, but their vector timestamps ${show(a.vector)} and ${show(b.vector)} say "${order}"`, { time: b.at, node: b.node });
          }
        }
      }
    },
  },
];
