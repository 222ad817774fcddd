/**
 * Reference solution, Lab 1 Part C: causal broadcast.
 *
 * The origin sends each broadcast to every peer over a reliable FIFO channel (Part B), stamped with
 * its vector clock. A receiver holds a message back until it has delivered everything the stamp says
 * the origin had delivered before broadcasting it (Birman, Schiper and Stephenson's rule).
 */
import type { Json, NodeContext, NodeId } from "../../grader/sim/api.js";
import type { BroadcastApp, CausalNode, VectorTimestamp } from "../../grader/suites/01-fallacies/interface.js";
import { ReliableChannel } from "./channel.js";

export interface Stamped {
  origin: NodeId;
  clock: VectorTimestamp;
  payload: Json;
}

export class CausalBroadcast implements CausalNode {
  /** delivered[k] = how many of k's broadcasts this node has delivered. */
  protected delivered: Record<NodeId, number> = {};
  protected waiting: Stamped[] = [];
  protected readonly channel: ReliableChannel;

  constructor(
    protected readonly ctx: NodeContext,
    protected readonly app: BroadcastApp,
  ) {
    this.channel = new ReliableChannel(ctx, { deliver: (_from, msg) => this.receive(msg as unknown as Stamped) });
  }

  onStart(): void {
    this.channel.onStart();
  }

  broadcast(payload: Json): void {
    const clock = { ...this.delivered, [this.ctx.id]: (this.delivered[this.ctx.id] ?? 0) + 1 };
    const msg: Stamped = { origin: this.ctx.id, clock, payload };
    this.deliver(msg);
    for (const peer of this.ctx.peers) this.channel.send(peer, msg as unknown as Json);
  }

  onMessage(from: NodeId, msg: Json): void {
    this.channel.onMessage(from, msg);
  }

  onTimer(payload: Json): void {
    this.channel.onTimer(payload);
  }

  protected receive(msg: Stamped): void {
    this.waiting.push(msg);
    this.deliverReady();
  }

  /** Delivers waiting messages until none is ready (one delivery can make others ready). */
  protected deliverReady(): void {
    for (let progress = true; progress; ) {
      progress = false;
      for (const msg of this.waiting) {
        if (this.isReady(msg)) {
          this.waiting = this.waiting.filter((m) => m !== msg);
          this.deliver(msg);
          progress = true;
          break;
        }
      }
    }
  }

  protected isReady(msg: Stamped): boolean {
    for (const [node, count] of Object.entries(msg.clock)) {
      const have = this.delivered[node] ?? 0;
      if (node === msg.origin ? have !== count - 1 : have < count) return false;
    }
    return true;
  }

  protected deliver(msg: Stamped): void {
    this.delivered[msg.origin] = (this.delivered[msg.origin] ?? 0) + 1;
    this.app.deliver(msg.origin, msg.payload);
  }
}

export function createCausalNode(ctx: NodeContext, app: BroadcastApp): CausalNode {
  return new CausalBroadcast(ctx, app);
}
