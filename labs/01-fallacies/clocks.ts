/**
 * Lab 1 Part A: Lamport and vector clocks.
 *
 * Replace every `throw new Error("not implemented: ...")` with your code. The grader checks these
 * against the definitions in Lamport's "Time, Clocks, and the Ordering of Events in a Distributed
 * System" (1978) and Fidge/Mattern's vector clocks: a clock must never contradict happens-before.
 *
 * Rules of the game (the grader relies on them):
 * - Every method returns the clock's value *after* the event it records.
 * - A value you return must never change afterwards: return numbers, or frozen copies of records.
 * - A node missing from a vector timestamp counts as 0. Timestamps you receive may be frozen, so
 *   never modify one in place: build a new record.
 */
import type { NodeId } from "../../grader/sim/api.js";
import type {
  LamportClock as LamportClockShape,
  LamportStamp,
  Ordering,
  VectorClock as VectorClockShape,
  VectorTimestamp,
} from "../../grader/suites/01-fallacies/interface.js";

/**
 * A Lamport clock owned by node `node`: one counter that every event moves forward.
 *
 * TODO: keep the counter in a field. Think about what each kind of event must guarantee: if event
 * a happens before event b, then time(a) < time(b). Which events can a node observe directly, and
 * which does it only learn about through the timestamp a message carries?
 */
export class LamportClock implements LamportClockShape {
  constructor(readonly node: NodeId) {}

  /** The current value: 0 before any event. */
  get time(): number {
    // TODO: return your counter. (A plain `time = 0` field would also satisfy the interface.)
    throw new Error("not implemented: LamportClock.time in labs/01-fallacies/clocks.ts");
  }

  /** A local event. */
  tick(): number {
    // TODO: a local event comes after every earlier event on this node.
    throw new Error("not implemented: LamportClock.tick in labs/01-fallacies/clocks.ts");
  }

  /** A send event: the returned value travels in the message. */
  send(): number {
    // TODO: sending is an event on this node too. Can you reuse another method?
    throw new Error("not implemented: LamportClock.send in labs/01-fallacies/clocks.ts");
  }

  /** A receive event for a message stamped `remote`. */
  receive(remote: number): number {
    // TODO: the receive must come after the send that stamped `remote` AND after everything this node
    // did before. Which value is larger than both of those? Test your idea with a message from a
    // node whose clock is far behind yours, and one far ahead.
    throw new Error("not implemented: LamportClock.receive in labs/01-fallacies/clocks.ts");
  }
}

/**
 * A vector clock owned by node `node`: for every node k, how many of k's events this node knows of.
 *
 * TODO: keep a record from node id to counter (only this node's own entry grows on local events).
 * `time` and every method return a snapshot: copy your record and freeze the copy, so later events
 * cannot change a timestamp the caller already holds.
 */
export class VectorClock implements VectorClockShape {
  constructor(readonly node: NodeId) {}

  /** A snapshot of the current value: {} before any event. */
  get time(): VectorTimestamp {
    throw new Error("not implemented: VectorClock.time in labs/01-fallacies/clocks.ts");
  }

  /** A local event. */
  tick(): VectorTimestamp {
    // TODO: which entry counts this node's own events?
    throw new Error("not implemented: VectorClock.tick in labs/01-fallacies/clocks.ts");
  }

  /** A send event: the returned snapshot travels in the message. */
  send(): VectorTimestamp {
    throw new Error("not implemented: VectorClock.send in labs/01-fallacies/clocks.ts");
  }

  /** A receive event for a message stamped `remote`. */
  receive(remote: VectorTimestamp): VectorTimestamp {
    // TODO: two steps. First learn everything the sender knew when it sent (mergeVectors helps);
    // then remember that the receive is itself an event on this node. Skipping the second step makes
    // the receive look "equal" to an earlier event.
    throw new Error("not implemented: VectorClock.receive in labs/01-fallacies/clocks.ts");
  }
}

/** The entry-wise maximum of `a` and `b` (a new record; never modify the inputs). */
export function mergeVectors(a: VectorTimestamp, b: VectorTimestamp): VectorTimestamp {
  // TODO: a node can appear in only one of the two; it counts as 0 in the other.
  throw new Error("not implemented: mergeVectors in labs/01-fallacies/clocks.ts");
}

/**
 * How `a` relates to `b`: "before" if a happened before b, "after" if b happened before a, "equal",
 * or "concurrent" if neither.
 */
export function compareVectors(a: VectorTimestamp, b: VectorTimestamp): Ordering {
  // TODO: a is before b when no entry of a is larger than b's and at least one is smaller. Compare
  // over the nodes of BOTH stamps (a node missing from one side counts as 0 there), and notice that
  // finding one smaller entry is not enough: another entry may be larger.
  throw new Error("not implemented: compareVectors in labs/01-fallacies/clocks.ts");
}

/**
 * A total order on Lamport stamps: negative if `a` comes first, positive if `b` does, 0 only when
 * both are the same stamp.
 */
export function compareLamport(a: LamportStamp, b: LamportStamp): number {
  // TODO: Lamport time first. Two different nodes can take stamps with the same time, and a total
  // order must still put one first: break ties by node id with plain string comparison (`<`), not
  // `localeCompare`, so every machine agrees.
  throw new Error("not implemented: compareLamport in labs/01-fallacies/clocks.ts");
}
