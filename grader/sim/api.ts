/**
 * The node API: everything your lab code may use to talk to the simulated world.
 *
 * A node is a small state machine. The simulator creates it by calling your factory with a
 * `NodeContext`, then calls its handlers one at a time: `onStart` once, then `onMessage` and `onTimer`
 * as messages arrive and timers fire. Each handler runs to completion and must be synchronous: do
 * work later with `ctx.setTimer`, never with `setTimeout`, promises or `async`.
 *
 * Everything here is deterministic: one seed decides the whole run, so a failing run replays exactly.
 */

/** A node's name, such as "n1". */
export type NodeId = string;

/** A value that survives JSON: messages, timer payloads and stored values must be made of these. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json | undefined };

/** The handlers the simulator calls. All are optional; a node that ignores timers need not define `onTimer`. */
export interface NodeHandlers {
  /** Called once when the node starts, and again (on a fresh instance) after every restart. */
  onStart?(): void;
  /** A message from `from` arrived. `msg` is frozen: copy it (`{ ...msg }`) before changing it. */
  onMessage?(from: NodeId, msg: Json): void;
  /** A timer you set fired. `payload` is what you passed to `setTimer`. */
  onTimer?(payload: Json, timer: TimerId): void;
}

/** Identifies a timer so it can be cancelled. */
export type TimerId = number;

/** How a node acts on the world. Each node gets its own context; a restarted node gets a fresh one. */
export interface NodeContext {
  /** This node's name. */
  readonly id: NodeId;
  /** The other nodes of the cluster (never includes `id`). */
  readonly peers: readonly NodeId[];

  /**
   * This node's clock reading, in milliseconds since the run began. It is the virtual clock, possibly
   * skewed or drifting if the test gives this node a bad physical clock. Never goes backwards on its own.
   */
  now(): number;
  /** Sends `msg` to `to` over the simulated network: it may be delayed, reordered, lost or duplicated. */
  send(to: NodeId, msg: Json): void;
  /** Calls `onTimer(payload)` after `delayMs` of this node's clock. Returns an id for `cancelTimer`. */
  setTimer(delayMs: number, payload?: Json): TimerId;
  /** Cancels a timer that has not fired yet. Cancelling a fired or unknown timer does nothing. */
  cancelTimer(timer: TimerId): void;
  /** A seeded random number in [0, 1). Use it instead of `Math.random` so runs replay exactly. */
  random(): number;
  /** Storage that survives crashes, but only for writes made durable with `sync()`. */
  readonly storage: DurableStorage;
  /** Writes a line into the run's trace, stamped with the virtual time and this node's name. */
  log(...parts: unknown[]): void;
}

/**
 * A key-value store on this node's "disk". `set` writes to a buffer that a crash loses; `sync`
 * makes every buffered write durable. After a crash and restart, `get` sees only synced writes.
 */
export interface DurableStorage {
  get(key: string): Json | undefined;
  set(key: string, value: Json): void;
  delete(key: string): void;
  keys(): string[];
  /** Makes every earlier `set` and `delete` survive a crash. */
  sync(): void;
}

/** Creates a node. Keep all of the node's state inside what this returns (no module-level variables). */
export type NodeFactory<H extends NodeHandlers = NodeHandlers> = (ctx: NodeContext) => H;
