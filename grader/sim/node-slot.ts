/**
 * Everything the simulation keeps about one node across its incarnations: status, the live instance
 * and its context, durable and buffered storage, timers, the node's random stream and its clock.
 */
import type { Json, NodeContext, NodeFactory, NodeHandlers, NodeId, TimerId } from "./api.js";
import { Random } from "./random.js";

/** Marks a buffered delete in `NodeSlot.buffer`. */
export const TOMBSTONE = Symbol("deleted");

/**
 * `E` is the type of the simulation's pending events (pending.ts, whose events point back at their
 * node): a parameter rather than an import, so that the two files do not import each other.
 */
export class NodeSlot<E = unknown> {
  status: "new" | "up" | "down" = "new";
  paused = false;
  /** Events that arrived while the node was paused, in arrival order. */
  deferred: E[] = [];
  incarnation = 0;
  handlers: NodeHandlers | null = null;
  /** The context of the live instance (only its identity matters: calls through an old one are refused). */
  ctx: NodeContext | null = null;
  readonly durable = new Map<string, Json>();
  readonly buffer = new Map<string, Json | typeof TOMBSTONE>();
  readonly timers = new Map<TimerId, E>();
  rng: Random;
  clockOffset = 0;
  drift = 0;
  sent = 0;
  peers: readonly NodeId[] = [];
  constructor(
    readonly index: number,
    readonly id: NodeId,
    readonly factory: NodeFactory,
    readonly explicitPeers: readonly NodeId[] | undefined,
    readonly client: boolean,
    seed: number,
  ) {
    this.rng = new Random(seed, `node:${id}:0`);
  }
}
