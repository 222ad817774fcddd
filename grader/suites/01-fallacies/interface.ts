/**
 * Lab 1's interface: what `labs/01-fallacies/index.ts` (or any implementation graded as Lab 1)
 * must export. The handout explains each part; this file is the precise contract.
 */
import type { Json, NodeContext, NodeHandlers, NodeId } from "../../sim/api.js";

// ------------------------------------------------------------------ Part A: logical clocks

/** How two vector timestamps relate. */
export type Ordering = "before" | "after" | "concurrent" | "equal";

/** A vector timestamp: node id to counter. A node missing from the record counts as 0. */
export type VectorTimestamp = Readonly<Record<NodeId, number>>;

/** A Lamport clock owned by one node. Every method returns the clock's value after the event. */
export interface LamportClock {
  /** The current value (0 before any event). */
  readonly time: number;
  /** A local event. */
  tick(): number;
  /** A send event; the returned value is the timestamp to put in the message. */
  send(): number;
  /** A receive event for a message carrying the timestamp `remote`. */
  receive(remote: number): number;
}

/** A vector clock owned by one node. Every method returns a snapshot that later events never change. */
export interface VectorClock {
  readonly time: VectorTimestamp;
  tick(): VectorTimestamp;
  send(): VectorTimestamp;
  receive(remote: VectorTimestamp): VectorTimestamp;
}

/** A Lamport timestamp made unique by the id of the node that took it. */
export interface LamportStamp {
  time: number;
  node: NodeId;
}

export interface ClockExports {
  LamportClock: new (node: NodeId) => LamportClock;
  VectorClock: new (node: NodeId) => VectorClock;
  /** How `a` relates to `b` under happens-before as vector clocks capture it. */
  compareVectors(a: VectorTimestamp, b: VectorTimestamp): Ordering;
  /** The entry-wise maximum of two vector timestamps. */
  mergeVectors(a: VectorTimestamp, b: VectorTimestamp): VectorTimestamp;
  /**
   * A total order on stamps: negative if `a` comes first, positive if `b` does, 0 only for the same
   * stamp. Lamport time first; ties broken by node id (plain string comparison).
   */
  compareLamport(a: LamportStamp, b: LamportStamp): number;
}

// ------------------------------------------------------------------ Part B: reliable channel

/** The application above a channel endpoint: the grader plays this part. */
export interface ChannelApp {
  /** Hand one payload to the application: exactly once, and in the order `from` sent them. */
  deliver(from: NodeId, payload: Json): void;
}

/** One node's endpoint of the reliable channel. */
export interface ChannelNode extends NodeHandlers {
  /** Called by the application: reliably deliver `payload` to `to`'s application. */
  send(to: NodeId, payload: Json): void;
}

export type CreateChannelNode = (ctx: NodeContext, app: ChannelApp) => ChannelNode;

// ------------------------------------------------------------------ Part C: causal broadcast

/** The application above a causal-broadcast node: the grader plays this part. */
export interface BroadcastApp {
  /** Hand one broadcast to the application: exactly once, after everything it causally depends on. */
  deliver(origin: NodeId, payload: Json): void;
}

export interface CausalNode extends NodeHandlers {
  /** Called by the application: deliver `payload` at every node, including this one. */
  broadcast(payload: Json): void;
}

export type CreateCausalNode = (ctx: NodeContext, app: BroadcastApp) => CausalNode;

// ------------------------------------------------------------------ everything together

export interface Lab1 extends ClockExports {
  createChannelNode: CreateChannelNode;
  createCausalNode: CreateCausalNode;
}
