/**
 * Reference solution, Lab 3 Part A: broadcast by gossip.
 *
 * Two mechanisms, as in Demers et al.: eager push ("rumour mongering" without the dying rumour) sends
 * each newly learned value along an overlay, batched every FLUSH_MS so that one message carries many
 * values; and anti-entropy repairs whatever push lost: every SYNC_MS a node sends the set it holds to a
 * random neighbour, which keeps what it lacked and answers with what the sender lacks. A durable
 * seen-set makes delivery exactly-once, across restarts too.
 *
 * The overlay is the topology itself, except on a full mesh, where it is a star around the first
 * node (a two-hop spanning tree): the cheapest way to reach 24 nodes in two hops.
 */
import type { Json, NodeContext, NodeId } from "../../grader/sim/api.js";
import type { BroadcastApp, BroadcastNode } from "../../grader/suites/03-gossip/interface.js";

export const FLUSH_MS = 80;
export const SYNC_MS = 1000;

type Message = { type: "gossip"; values: number[] } | { type: "sync"; have: number[] };

export class GossipBroadcast implements BroadcastNode {
  protected readonly seen = new Set<number>();
  /** Values learned but not yet pushed, per overlay neighbour. */
  protected readonly outbox = new Map<NodeId, number[]>();
  protected readonly overlay: readonly NodeId[];

  constructor(
    protected readonly ctx: NodeContext,
    protected readonly neighbours: readonly NodeId[],
    protected readonly app: BroadcastApp,
  ) {
    this.overlay = this.chooseOverlay();
    for (const n of this.overlay) this.outbox.set(n, []);
  }

  protected chooseOverlay(): readonly NodeId[] {
    if (this.neighbours.length < this.ctx.peers.length) return this.neighbours;
    const hub = [this.ctx.id, ...this.ctx.peers].sort()[0] as NodeId;
    return hub === this.ctx.id ? this.neighbours : [hub];
  }

  onStart(): void {
    for (const key of this.ctx.storage.keys()) if (key.startsWith("v:")) this.seen.add(Number(key.slice(2)));
    this.ctx.setTimer(FLUSH_MS, "flush");
    this.ctx.setTimer(Math.floor(this.ctx.random() * SYNC_MS), "sync");
  }

  broadcast(value: number): void {
    this.learn(value, null);
  }

  onMessage(from: NodeId, msg: Json): void {
    const m = msg as Message;
    if (m.type === "gossip") {
      for (const v of m.values) this.learn(v, from);
    } else if (m.type === "sync") {
      const theirs = new Set(m.have);
      for (const v of m.have) this.learn(v, from);
      const missing = [...this.seen].filter((v) => !theirs.has(v));
      if (missing.length > 0) this.ctx.send(from, { type: "gossip", values: missing });
    }
  }

  onTimer(payload: Json): void {
    if (payload === "flush") {
      this.flush();
      this.ctx.setTimer(FLUSH_MS, "flush");
    } else if (payload === "sync") {
      this.antiEntropy();
      this.ctx.setTimer(SYNC_MS, "sync");
    }
  }

  /** Records, delivers and queues a value unless it was seen before; returns whether it was new. */
  protected learn(value: number, from: NodeId | null): boolean {
    if (this.seen.has(value)) return false;
    this.seen.add(value);
    this.ctx.storage.set(`v:${value}`, true);
    this.ctx.storage.sync();
    this.app.deliver(value);
    for (const [n, queue] of this.outbox) if (n !== from) queue.push(value);
    return true;
  }

  protected flush(): void {
    for (const [n, queue] of this.outbox) {
      if (queue.length === 0) continue;
      this.ctx.send(n, { type: "gossip", values: queue });
      this.outbox.set(n, []);
    }
  }

  protected antiEntropy(): void {
    if (this.neighbours.length === 0) return;
    const peer = this.neighbours[Math.floor(this.ctx.random() * this.neighbours.length)] as NodeId;
    this.ctx.send(peer, { type: "sync", have: [...this.seen] });
  }
}

export function createBroadcastNode(ctx: NodeContext, neighbours: readonly NodeId[], app: BroadcastApp): BroadcastNode {
  return new GossipBroadcast(ctx, neighbours, app);
}
