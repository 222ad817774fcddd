/**
 * Lab 3's interface: what `labs/03-gossip/index.ts` (or any implementation graded as Lab 3) must
 * export. The handout explains each part; this file is the precise contract.
 */
import type { Json, NodeContext, NodeHandlers, NodeId } from "../../sim/api.js";

// ------------------------------------------------------------------ Part A: broadcast

/** The application above a broadcast node: the grader plays this part. It survives crashes. */
export interface BroadcastApp {
  /** Hand one value to the application: exactly once per node, even across crashes and restarts. */
  deliver(value: number): void;
}

export interface BroadcastNode extends NodeHandlers {
  /** Called by the application: deliver `value` (a number nobody broadcast before) at every node, this one included. */
  broadcast(value: number): void;
}

/**
 * Creates one broadcast node. `neighbours` are the nodes this one has a link to in the test's
 * topology (line, ring, tree, grid or full mesh): send only to them. `ctx.peers` lists every node.
 */
export type CreateBroadcastNode = (ctx: NodeContext, neighbours: readonly NodeId[], app: BroadcastApp) => BroadcastNode;

// ------------------------------------------------------------------ Part B: state-based CRDTs

/**
 * A state-based CRDT replica. `state()` returns a JSON snapshot that later updates never change;
 * `merge(remote)` folds another replica's snapshot into this one (the join of the two states).
 */
export interface Crdt<S extends Json, V> {
  state(): S;
  merge(remote: S): void;
  value(): V;
}

export interface GCounter extends Crdt<Json, number> {
  /** Adds `by` (a positive integer, default 1). */
  increment(by?: number): void;
}

export interface PNCounter extends Crdt<Json, number> {
  increment(by?: number): void;
  decrement(by?: number): void;
}

/** An observed-remove set with add-wins semantics: a remove takes away only the adds it has seen. */
export interface ORSet extends Crdt<Json, string[]> {
  add(element: string): void;
  remove(element: string): void;
  has(element: string): boolean;
  /** `value()` lists the elements, sorted. */
}

/**
 * A last-writer-wins register. `set(value, time)` writes with a timestamp; the write with the largest
 * timestamp wins, and equal timestamps are broken by replica id (the larger id, by string comparison, wins).
 * `value()` is null before any write.
 */
export interface LWWRegister extends Crdt<Json, Json> {
  set(value: Json, time: number): void;
}

/** A CRDT class: a new replica named `replica`, empty or starting from a snapshot taken by `state()`. */
export type CrdtClass<T> = new (replica: NodeId, state?: Json) => T;

/** What the application asks of a replicated-data node. */
export type CrdtUpdate =
  | { type: "increment"; by: number }
  | { type: "add"; by: number }
  | { type: "set-add"; element: string }
  | { type: "set-remove"; element: string }
  | { type: "register"; value: Json };

/** One node's replicas: a G-Counter, a PN-Counter, an OR-Set and an LWW register. */
export interface CrdtReadout {
  counter: number;
  balance: number;
  set: string[];
  register: Json;
}

/**
 * A node holding one replica of each CRDT, which gossips its state to other nodes so that, once the
 * network heals, every node reads the same.
 */
export interface CrdtNode extends NodeHandlers {
  /**
   * Applies the application's update to this node's replicas: "increment" the G-Counter, "add" a
   * (possibly negative) amount to the PN-Counter, add or remove a set element, or write the register
   * (timestamped with `ctx.now()`).
   */
  update(op: CrdtUpdate): void;
  read(): CrdtReadout;
}

export type CreateCrdtNode = (ctx: NodeContext) => CrdtNode;

// ------------------------------------------------------------------ Part C: SWIM failure detector

export type MemberStatus = "alive" | "suspect" | "dead";

export interface SwimNode extends NodeHandlers {
  /** This node's current view of every other node (every peer must appear). */
  members(): Record<NodeId, MemberStatus>;
}

/** Creates a SWIM node; at the start every node knows every other (`ctx.peers`) as alive. */
export type CreateSwimNode = (ctx: NodeContext) => SwimNode;

// ------------------------------------------------------------------ everything together

export interface Lab3 {
  createBroadcastNode: CreateBroadcastNode;
  GCounter: CrdtClass<GCounter>;
  PNCounter: CrdtClass<PNCounter>;
  ORSet: CrdtClass<ORSet>;
  LWWRegister: CrdtClass<LWWRegister>;
  createCrdtNode: CreateCrdtNode;
  createSwimNode: CreateSwimNode;
}
