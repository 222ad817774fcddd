/**
 * Reference solution, Lab 3 Part C: a SWIM failure detector (Das, Gupta and Motivala 2002) with the
 * suspicion mechanism.
 *
 * Every PERIOD_MS a node probes the next member of a shuffled round-robin list: a direct ping, and if
 * no ack comes within PING_TIMEOUT_MS, ping-req to INDIRECT_PROBES other members, who ping the target
 * on its behalf. No ack by the end of the period: the target becomes suspect. A suspect that does not
 * refute within SUSPICION_MS (by gossiping "alive" with a higher incarnation) is declared dead.
 * Membership updates travel piggybacked on pings and acks, each a bounded number of times.
 */
import type { Json, NodeContext, NodeId } from "../../grader/sim/api.js";
import type { MemberStatus, SwimNode } from "../../grader/suites/03-gossip/interface.js";

export const PERIOD_MS = 500;
export const PING_TIMEOUT_MS = 150;
export const INDIRECT_PROBES = 3;
export const SUSPICION_MS = 4000;
/** How many messages carry each update. */
export const RETRANSMITS = 12;
/** Most updates piggybacked on one message. */
export const MAX_PIGGYBACK = 6;

export interface Update {
  node: NodeId;
  status: MemberStatus;
  incarnation: number;
}

export type SwimMessage =
  | { type: "ping"; seq: number; updates: Update[] }
  | { type: "ack"; seq: number; updates: Update[] }
  | { type: "ping-req"; seq: number; target: NodeId; updates: Update[] };

interface Member {
  status: MemberStatus;
  incarnation: number;
}

interface Probe {
  target: NodeId;
  seq: number;
  acked: boolean;
}

export class Swim implements SwimNode {
  protected readonly view = new Map<NodeId, Member>();
  protected incarnation = 0;
  protected seq = 0;
  protected probe: Probe | null = null;
  protected order: NodeId[] = [];
  /** Pings sent on behalf of others: our seq to (who asked, their seq). */
  protected readonly relays = new Map<number, { origin: NodeId; seq: number }>();
  /** Updates still to piggyback, with how many times each has been sent. */
  protected readonly outgoing = new Map<NodeId, { update: Update; sent: number }>();
  protected readonly suspicionTimers = new Map<NodeId, number>();

  constructor(protected readonly ctx: NodeContext) {
    for (const p of ctx.peers) this.view.set(p, { status: "alive", incarnation: 0 });
  }

  members(): Record<NodeId, MemberStatus> {
    return Object.fromEntries([...this.view].map(([id, m]) => [id, m.status]));
  }

  onStart(): void {
    this.ctx.setTimer(Math.floor(this.ctx.random() * PERIOD_MS), { kind: "period" });
  }

  onTimer(payload: Json): void {
    const p = payload as { kind: string; node?: NodeId; seq?: number; incarnation?: number };
    if (p.kind === "period") {
      this.endProbe();
      this.startProbe();
      this.ctx.setTimer(PERIOD_MS, { kind: "period" });
    } else if (p.kind === "ping-timeout") {
      if (this.probe && this.probe.seq === p.seq && !this.probe.acked) this.probeIndirectly(this.probe);
    } else if (p.kind === "suspicion") {
      const m = this.view.get(p.node as NodeId);
      if (m && m.status === "suspect" && m.incarnation === p.incarnation) this.apply({ node: p.node as NodeId, status: "dead", incarnation: m.incarnation });
    }
  }

  onMessage(from: NodeId, msg: Json): void {
    const m = msg as unknown as SwimMessage;
    for (const u of m.updates) this.apply(u);
    switch (m.type) {
      case "ping":
        this.send(from, { type: "ack", seq: m.seq });
        return;
      case "ping-req": {
        const seq = ++this.seq;
        this.relays.set(seq, { origin: from, seq: m.seq });
        this.send(m.target, { type: "ping", seq });
        return;
      }
      case "ack": {
        const relay = this.relays.get(m.seq);
        if (relay) {
          this.relays.delete(m.seq);
          this.send(relay.origin, { type: "ack", seq: relay.seq });
        } else if (this.probe && this.probe.seq === m.seq) {
          this.probe.acked = true;
        }
        return;
      }
    }
  }

  protected startProbe(): void {
    const target = this.nextTarget();
    if (target === undefined) return;
    this.probe = { target, seq: ++this.seq, acked: false };
    this.send(target, { type: "ping", seq: this.probe.seq });
    this.ctx.setTimer(PING_TIMEOUT_MS, { kind: "ping-timeout", seq: this.probe.seq });
  }

  protected probeIndirectly(probe: Probe): void {
    const helpers = this.shuffle(this.liveMembers().filter((id) => id !== probe.target)).slice(0, INDIRECT_PROBES);
    for (const h of helpers) this.send(h, { type: "ping-req", seq: probe.seq, target: probe.target });
  }

  /** The period is over: a target that never answered, directly or indirectly, becomes suspect. */
  protected endProbe(): void {
    const probe = this.probe;
    this.probe = null;
    if (probe === null || probe.acked) return;
    const m = this.view.get(probe.target);
    if (m && m.status === "alive") this.apply({ node: probe.target, status: "suspect", incarnation: m.incarnation });
  }

  protected nextTarget(): NodeId | undefined {
    while (this.order.length > 0) {
      const next = this.order.pop() as NodeId;
      if (this.view.get(next)?.status !== "dead") return next;
    }
    this.order = this.shuffle(this.liveMembers());
    return this.order.pop();
  }

  protected liveMembers(): NodeId[] {
    return [...this.view].filter(([, m]) => m.status !== "dead").map(([id]) => id);
  }

  /** Applies an update if it overrides what this node knows, and passes it on. */
  protected apply(u: Update): void {
    if (u.node === this.ctx.id) {
      if (u.status !== "alive" && u.incarnation >= this.incarnation) this.refute(u.incarnation);
      return;
    }
    const m = this.view.get(u.node);
    if (m === undefined || !this.overrides(u, m)) return;
    if (m.status === "suspect") this.cancelSuspicion(u.node);
    m.status = u.status;
    m.incarnation = u.incarnation;
    if (u.status === "suspect") {
      this.suspicionTimers.set(u.node, this.ctx.setTimer(SUSPICION_MS, { kind: "suspicion", node: u.node, incarnation: u.incarnation }));
    }
    this.enqueue(u);
  }

  protected overrides(u: Update, m: Member): boolean {
    if (m.status === "dead") return false;
    if (u.status === "dead") return true;
    if (u.status === "suspect") return m.status === "alive" ? u.incarnation >= m.incarnation : u.incarnation > m.incarnation;
    return u.incarnation > m.incarnation;
  }

  /** Someone suspects us: announce that we are alive with a higher incarnation. */
  protected refute(incarnation: number): void {
    this.incarnation = Math.max(this.incarnation, incarnation) + 1;
    this.enqueue({ node: this.ctx.id, status: "alive", incarnation: this.incarnation });
  }

  protected cancelSuspicion(node: NodeId): void {
    const timer = this.suspicionTimers.get(node);
    if (timer !== undefined) this.ctx.cancelTimer(timer);
    this.suspicionTimers.delete(node);
  }

  protected enqueue(u: Update): void {
    this.outgoing.set(u.node, { update: u, sent: 0 });
  }

  /** Sends a protocol message with the least-sent pending updates piggybacked on it. */
  protected send(to: NodeId, body: { type: SwimMessage["type"]; seq: number; target?: NodeId }): void {
    const chosen = [...this.outgoing.values()]
      .filter((e) => e.update.node !== to)
      .sort((a, b) => a.sent - b.sent)
      .slice(0, MAX_PIGGYBACK);
    for (const entry of chosen) {
      if (++entry.sent >= RETRANSMITS) this.outgoing.delete(entry.update.node);
    }
    const updates = chosen.map((e) => e.update);
    // A suspected node can refute only once it hears: tell it every time we talk to it.
    const recipient = this.view.get(to);
    if (recipient && recipient.status === "suspect") updates.push({ node: to, status: "suspect", incarnation: recipient.incarnation });
    this.ctx.send(to, { ...body, updates } as unknown as Json);
  }

  protected shuffle<T>(items: T[]): T[] {
    const a = [...items];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.ctx.random() * (i + 1));
      [a[i], a[j]] = [a[j] as T, a[i] as T];
    }
    return a;
  }
}

export function createSwimNode(ctx: NodeContext): SwimNode {
  return new Swim(ctx);
}
