/**
 * Everything the simulation keeps about one node across its incarnations: status, the live instance
 * and its context, durable and buffered storage, timers, the node's random stream and its clock.
 */
import type { Json, NodeFactory, NodeHandlers, NodeId, TimerId } from "./api.js";
import type { Context } from "./node-context.js";
import type { Pending } from "./pending.js";
import { Random } from "./random.js";

/** Marks a buffered delete in `NodeSlot.buffer`. */
export const TOMBSTONE = Symbol("deleted");

export class NodeSlot {
  status: "new" | "up" | "down" = "new";
  paused = false;
  deferred: Pending[] = [];
  incarnation = 0;
  handlers: NodeHandlers | null = null;
  ctx: Context | null = null;
  readonly durable = new Map<string, Json>();
  readonly buffer = new Map<string, Json | typeof TOMBSTONE>();
  readonly timers = new Map<TimerId, Pending>();
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
