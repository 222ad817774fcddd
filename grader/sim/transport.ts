/**
 * The network between the nodes and the faults on it: carries each message sent (loss, duplication
 * and latency drawn from the network's seeded stream), and holds the faults a test scripts on links:
 * partitions, one-way cuts, changed conditions, and a scripted adversary that decides individual
 * messages. Which node is up is the node host's business; this only moves messages.
 */
import type { Json, NodeId } from "./api.js";
import type { EventLoop } from "./event-loop.js";
import { sealValue } from "./message.js";
import { sampleLatency, validateConditions, type NetworkConditions } from "./network.js";
import { DELIVER, Pending, type Slot } from "./pending.js";
import type { Random } from "./random.js";

/** What an adversary sees of a message as it is sent. `linkIndex` counts messages on from->to, from 1. */
export interface InFlight {
  id: number;
  from: NodeId;
  to: NodeId;
  msg: Json;
  linkIndex: number;
}

/**
 * A scripted adversary's decision for one message: lose it, or deliver one copy per entry of
 * `delaysMs` after exactly that delay. Returning undefined leaves the message to the network.
 */
export type AdversaryDecision = { drop: true } | { delaysMs: readonly number[] };
export type Adversary = (message: InFlight) => AdversaryDecision | undefined;

export class Transport {
  private net: NetworkConditions;
  /** blocked[from.index * size + to.index] === 1: that direction of that link is cut. */
  private blocked = new Uint8Array(0);
  private size = 0;
  /** True while any link is cut (the common case, none, then costs one test per message). */
  private cut = false;
  private messageIds = 0;
  private adversary: Adversary | null = null;
  private readonly linkCounts = new Map<number, number>();

  constructor(
    private readonly loop: EventLoop,
    network: NetworkConditions,
    private readonly rng: Random,
    /** Finds a node by id (throws, naming the nodes, for an unknown one). */
    private readonly slotOf: (id: NodeId) => Slot,
  ) {
    validateConditions(network);
    this.net = network;
  }

  /** Makes room for one more node's links (none of them cut). */
  addNode(): void {
    const old = this.blocked;
    const n = ++this.size;
    this.blocked = new Uint8Array(n * n);
    for (let i = 0; i < n - 1; i++) for (let j = 0; j < n - 1; j++) this.blocked[i * n + j] = old[i * (n - 1) + j] ?? 0;
  }

  isCut(from: Slot, to: Slot): boolean {
    return this.cut && this.blocked[from.index * this.size + to.index] === 1;
  }

  /** Sends one message: traced, then cut, decided by the adversary, lost, or scheduled for delivery. */
  send(from: Slot, to: Slot, sent: Json): void {
    const loop = this.loop;
    const { value: msg, bytes } = sealValue(sent);
    const id = ++this.messageIds;
    const stats = loop.stats;
    stats.sent++;
    stats.bytesSent += bytes;
    from.sent++;
    const emitting = loop.emitting;
    if (emitting) loop.emit({ t: loop.now, type: "send", id, from: from.id, to: to.id, bytes, msg });
    if (this.isCut(from, to)) return this.drop(id, from, to, "partition");
    if (this.adversary !== null && this.decide(id, from, to, msg)) return;
    const net = this.net;
    if (net.loss > 0 && this.rng.next() < net.loss) return this.drop(id, from, to, "loss");
    const t = loop.now + sampleLatency(net.latency, this.rng);
    loop.queue.push(new Pending(t, ++loop.seq, DELIVER, to, 0, id, from, msg, null, ""));
    if (net.duplicate > 0 && this.rng.next() < net.duplicate) {
      stats.duplicated++;
      if (emitting) loop.emit({ t: loop.now, type: "duplicate", id, from: from.id, to: to.id });
      const t2 = loop.now + sampleLatency(net.latency, this.rng);
      loop.queue.push(new Pending(t2, ++loop.seq, DELIVER, to, 0, id, from, msg, null, ""));
    }
  }

  drop(id: number, from: Slot, to: Slot, reason: "loss" | "partition" | "node-down"): void {
    this.loop.stats.dropped++;
    if (this.loop.emitting) this.loop.emit({ t: this.loop.now, type: "drop", id, from: from.id, to: to.id, reason });
  }

  /** A second copy of a pending delivery, due at the same time (an explicit schedule's intervention). */
  duplicate(e: Pending): void {
    const loop = this.loop;
    const from = e.from as Slot;
    const to = e.target as Slot;
    loop.stats.duplicated++;
    if (loop.emitting) loop.emit({ t: loop.now, type: "duplicate", id: e.id, from: from.id, to: to.id });
    loop.queue.push(new Pending(e.time, ++loop.seq, DELIVER, to, 0, e.id, from, e.data, null, ""));
  }

  // ---------------------------------------------------------------- faults on links

  /** Splits the network: nodes in different groups cannot talk; unlisted nodes form one more group. */
  partition(groups: readonly (readonly NodeId[])[]): void {
    const n = this.size;
    const groupOf = new Array<number>(n).fill(groups.length);
    groups.forEach((group, g) => {
      for (const id of group) groupOf[this.slotOf(id).index] = g;
    });
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) if (groupOf[i] !== groupOf[j]) this.blocked[i * n + j] = 1;
    }
    this.cut = true;
    if (this.loop.emitting) this.loop.emit({ t: this.loop.now, type: "partition", groups: groups.map((g) => [...g]) });
  }

  /** Cuts one direction of one link. */
  block(from: NodeId, to: NodeId): void {
    this.blocked[this.slotOf(from).index * this.size + this.slotOf(to).index] = 1;
    this.cut = true;
    if (this.loop.emitting) this.loop.emit({ t: this.loop.now, type: "block", from, to });
  }

  heal(): void {
    this.blocked.fill(0);
    this.cut = false;
    if (this.loop.emitting) this.loop.emit({ t: this.loop.now, type: "heal" });
  }

  setNetwork(conditions: Partial<NetworkConditions>): void {
    const next = { ...this.net, ...conditions };
    validateConditions(next);
    this.net = next;
    if (this.loop.emitting) this.loop.emit({ t: this.loop.now, type: "network", conditions: next });
  }

  intercept(adversary: Adversary | null): void {
    this.adversary = adversary;
  }

  /** Applies the adversary's decision; returns true if it decided the message's fate. */
  private decide(id: number, from: Slot, to: Slot, msg: Json): boolean {
    const loop = this.loop;
    const link = from.index * this.size + to.index;
    const linkIndex = (this.linkCounts.get(link) ?? 0) + 1;
    this.linkCounts.set(link, linkIndex);
    const decision = (this.adversary as Adversary)({ id, from: from.id, to: to.id, msg, linkIndex });
    if (decision === undefined) return false;
    if ("drop" in decision) {
      this.drop(id, from, to, "loss");
      return true;
    }
    decision.delaysMs.forEach((delay, copy) => {
      if (copy > 0) {
        loop.stats.duplicated++;
        if (loop.emitting) loop.emit({ t: loop.now, type: "duplicate", id, from: from.id, to: to.id });
      }
      loop.queue.push(new Pending(loop.now + delay, ++loop.seq, DELIVER, to, 0, id, from, msg, null, ""));
    });
    return true;
  }
}
