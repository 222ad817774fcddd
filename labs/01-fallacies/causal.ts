/**
 * Lab 1 Part C: causal broadcast.
 *
 * `broadcast(payload)` must deliver `payload` at every node, this one included, exactly once, and
 * never before anything that causally precedes it: if a node delivered m1 (or broadcast it) before
 * broadcasting m2, then no node may deliver m2 before m1. Broadcasts that are concurrent may be
 * delivered in any order. The network is as hostile as in Part B.
 *
 * A plan that works (Birman, Schiper and Stephenson, 1991):
 * - Reuse your Part B channel to get every message to every peer reliably and in FIFO order per
 *   sender; this file then only has to deal with causality, not with loss or duplicates.
 * - Stamp each broadcast with a vector that says, per origin, how many broadcasts the sender had
 *   delivered (counting its own new one).
 * - On arrival, hold a message back until this node has delivered everything its stamp depends on;
 *   a delivery can make held-back messages ready, so keep checking until nothing changes.
 * - The origin delivers its own broadcast at once: it trivially depends on nothing it has not seen.
 * Work out exactly which counts must match for the origin's entry, and which must merely be reached
 * for the other entries.
 */
import type { Json, NodeContext, NodeId } from "../../grader/sim/api.js";
import type { BroadcastApp, CausalNode } from "../../grader/suites/01-fallacies/interface.js";
import { ReliableChannel } from "./channel.js";

export class CausalBroadcast implements CausalNode {
  /** Carries this node's broadcasts to every peer; calls `receive` for each one from a peer. */
  protected readonly channel: ReliableChannel;

  // TODO: add the state you need: what this node has delivered so far (per origin), and the messages
  // held back because something they depend on has not been delivered yet.

  constructor(
    protected readonly ctx: NodeContext,
    protected readonly app: BroadcastApp,
  ) {
    this.channel = new ReliableChannel(ctx, { deliver: (from, msg) => this.receive(from, msg) });
  }

  onStart(): void {
    // TODO: the channel has its own start-up work to do.
    throw new Error("not implemented: CausalBroadcast.onStart in labs/01-fallacies/causal.ts");
  }

  broadcast(payload: Json): void {
    // TODO: stamp it, deliver it here, and send it to every peer over the channel.
    throw new Error("not implemented: CausalBroadcast.broadcast in labs/01-fallacies/causal.ts");
  }

  onMessage(from: NodeId, msg: Json): void {
    // TODO: network packets belong to the channel.
    throw new Error("not implemented: CausalBroadcast.onMessage in labs/01-fallacies/causal.ts");
  }

  onTimer(payload: Json): void {
    // TODO: so do timers (unless you add timers of your own; then tell them apart by payload).
    throw new Error("not implemented: CausalBroadcast.onTimer in labs/01-fallacies/causal.ts");
  }

  /** The channel delivered `msg`, a broadcast relayed by `from`. */
  protected receive(from: NodeId, msg: Json): void {
    // TODO: hold it back, then deliver everything that is now ready.
    throw new Error("not implemented: CausalBroadcast.receive in labs/01-fallacies/causal.ts");
  }
}

export function createCausalNode(ctx: NodeContext, app: BroadcastApp): CausalNode {
  return new CausalBroadcast(ctx, app);
}
