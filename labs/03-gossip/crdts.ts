/**
 * Lab 3 Part B: four state-based CRDTs (Shapiro, Preguiça, Baquero and Zawirski 2011).
 *
 * Each class is one replica. `state()` returns a plain-JSON snapshot that later updates never change;
 * `new X(replica, state)` rebuilds a replica from one; `merge(remote)` folds another replica's
 * snapshot in. The grader checks, on random histories of your own updates and merges, that merge is
 * commutative, associative and idempotent, and that no merge ever loses an update.
 *
 * Snapshots you receive may be frozen: never modify one in place, copy what you keep.
 */
import type { Json, NodeId } from "../../grader/sim/api.js";
import type {
  GCounter as GCounterShape,
  LWWRegister as LWWRegisterShape,
  ORSet as ORSetShape,
  PNCounter as PNCounterShape,
} from "../../grader/suites/03-gossip/interface.js";

/** A grow-only counter. TODO: what does each replica own, and what is the join of two states? */
export class GCounter implements GCounterShape {
  constructor(
    readonly replica: NodeId,
    state?: Json,
  ) {}

  increment(by = 1): void {
    throw new Error("not implemented: GCounter.increment in labs/03-gossip/crdts.ts");
  }

  state(): Json {
    throw new Error("not implemented: GCounter.state in labs/03-gossip/crdts.ts");
  }

  merge(remote: Json): void {
    throw new Error("not implemented: GCounter.merge in labs/03-gossip/crdts.ts");
  }

  value(): number {
    throw new Error("not implemented: GCounter.value in labs/03-gossip/crdts.ts");
  }
}

/** A counter that can go down. TODO: a decrement must survive a merge with an older state. */
export class PNCounter implements PNCounterShape {
  constructor(
    readonly replica: NodeId,
    state?: Json,
  ) {}

  increment(by = 1): void {
    throw new Error("not implemented: PNCounter.increment in labs/03-gossip/crdts.ts");
  }

  decrement(by = 1): void {
    throw new Error("not implemented: PNCounter.decrement in labs/03-gossip/crdts.ts");
  }

  state(): Json {
    throw new Error("not implemented: PNCounter.state in labs/03-gossip/crdts.ts");
  }

  merge(remote: Json): void {
    throw new Error("not implemented: PNCounter.merge in labs/03-gossip/crdts.ts");
  }

  value(): number {
    throw new Error("not implemented: PNCounter.value in labs/03-gossip/crdts.ts");
  }
}

/**
 * An observed-remove set, add wins. TODO: a remove cancels only the adds it has seen; an add it has
 * not seen (concurrent, or later) survives. What must an add carry so that a remove can name it?
 */
export class ORSet implements ORSetShape {
  constructor(
    readonly replica: NodeId,
    state?: Json,
  ) {}

  add(element: string): void {
    throw new Error("not implemented: ORSet.add in labs/03-gossip/crdts.ts");
  }

  remove(element: string): void {
    throw new Error("not implemented: ORSet.remove in labs/03-gossip/crdts.ts");
  }

  has(element: string): boolean {
    throw new Error("not implemented: ORSet.has in labs/03-gossip/crdts.ts");
  }

  state(): Json {
    throw new Error("not implemented: ORSet.state in labs/03-gossip/crdts.ts");
  }

  merge(remote: Json): void {
    throw new Error("not implemented: ORSet.merge in labs/03-gossip/crdts.ts");
  }

  /** The elements, sorted. */
  value(): string[] {
    throw new Error("not implemented: ORSet.value in labs/03-gossip/crdts.ts");
  }
}

/**
 * A last-writer-wins register: the write with the largest timestamp wins; on equal timestamps the
 * larger replica id (plain string comparison) wins. `value()` is null before any write.
 */
export class LWWRegister implements LWWRegisterShape {
  constructor(
    readonly replica: NodeId,
    state?: Json,
  ) {}

  set(value: Json, time: number): void {
    throw new Error("not implemented: LWWRegister.set in labs/03-gossip/crdts.ts");
  }

  state(): Json {
    throw new Error("not implemented: LWWRegister.state in labs/03-gossip/crdts.ts");
  }

  merge(remote: Json): void {
    throw new Error("not implemented: LWWRegister.merge in labs/03-gossip/crdts.ts");
  }

  value(): Json {
    throw new Error("not implemented: LWWRegister.value in labs/03-gossip/crdts.ts");
  }
}
