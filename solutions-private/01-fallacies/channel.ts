/**
 * Reference solution, Lab 1 Part B: a reliable channel.
 *
 * Sender: numbers messages per destination within an incarnation (kept in durable storage, so a
 * restarted sender never reuses numbers), keeps at most WINDOW unacknowledged, and retransmits them
 * once they are overdue (not acknowledged within the retransmission timeout), with exponential backoff,
 * until a cumulative ack covers them.
 * Receiver: per sender, remembers the incarnation, the next sequence number it expects, and at most
 * WINDOW early arrivals; delivers in order, drops duplicates and stale incarnations, and acks
 * cumulatively plus selectively (the early arrivals it holds), so one loss costs one retransmission.
 */
import type { Json, NodeContext, NodeId, TimerId } from "../../grader/sim/api.js";
import type { ChannelApp, ChannelNode } from "../../grader/suites/01-fallacies/interface.js";

export const WINDOW = 32;
export const MIN_RTO_MS = 100;
export const MAX_RTO_MS = 1000;

export type Packet =
  | { type: "data"; inc: number; seq: number; payload: Json }
  | { type: "ack"; inc: number; next: number; early: number[] };
export type DataPacket = Extract<Packet, { type: "data" }>;
export type AckPacket = Extract<Packet, { type: "ack" }>;

interface Unacked {
  payload: Json;
  lastSent: number;
}

interface Outgoing {
  next: number; // sequence number for the next new message
  unacked: Map<number, Unacked>;
  acked: number; // every sequence number below this one is delivered (the cumulative ack)
  backlog: Json[]; // waiting for room in the window
  rto: number;
  timer: TimerId | null;
}

export interface Incoming {
  inc: number;
  next: number; // the next sequence number to deliver
  early: Map<number, Json>;
}

export class ReliableChannel implements ChannelNode {
  protected inc = 0;
  protected readonly out = new Map<NodeId, Outgoing>();
  protected readonly in = new Map<NodeId, Incoming>();
  /** The timeout a sender starts with, and returns to whenever an ack makes progress. */
  protected readonly minRto: number = MIN_RTO_MS;

  constructor(
    protected readonly ctx: NodeContext,
    protected readonly app: ChannelApp,
  ) {}

  onStart(): void {
    this.inc = this.nextIncarnation();
  }

  /** A new incarnation number, made durable before anything is sent with it. */
  protected nextIncarnation(): number {
    const inc = ((this.ctx.storage.get("incarnation") as number | undefined) ?? 0) + 1;
    this.ctx.storage.set("incarnation", inc);
    this.ctx.storage.sync();
    return inc;
  }

  send(to: NodeId, payload: Json): void {
    const out = this.outgoing(to);
    if (!this.hasRoom(out)) {
      out.backlog.push(payload);
      return;
    }
    this.transmitNew(to, out, payload);
  }

  onMessage(from: NodeId, msg: Json): void {
    const packet = msg as Packet;
    if (packet.type === "data") this.onData(from, packet);
    else if (packet.type === "ack") this.onAck(from, packet);
  }

  onTimer(payload: Json): void {
    const to = payload as NodeId;
    const out = this.outgoing(to);
    out.timer = null;
    if (out.unacked.size === 0) return;
    const now = this.ctx.now();
    let resent = false;
    for (const [seq, u] of out.unacked) {
      if (now - u.lastSent < out.rto) continue; // sent recently: its ack may still be on the way
      this.ctx.send(to, { type: "data", inc: this.inc, seq, payload: u.payload });
      u.lastSent = now;
      resent = true;
    }
    if (resent) out.rto = this.backoff(out.rto);
    this.arm(to, out);
  }

  protected backoff(rto: number): number {
    return Math.min(MAX_RTO_MS, rto * 2);
  }

  protected onData(from: NodeId, p: DataPacket): void {
    let state = this.in.get(from);
    if (state === undefined || p.inc > state.inc) {
      state = { inc: p.inc, next: 0, early: new Map() };
      this.in.set(from, state);
    }
    if (p.inc < state.inc) return; // a straggler from an earlier incarnation of the sender
    if (p.seq >= state.next && p.seq < state.next + WINDOW) state.early.set(p.seq, p.payload);
    this.deliverInOrder(from, state);
    this.acknowledge(from, state);
  }

  /** Acks cumulatively (everything below `next` is delivered) and selectively (the early arrivals held). */
  protected acknowledge(from: NodeId, state: Incoming): void {
    this.ctx.send(from, { type: "ack", inc: state.inc, next: state.next, early: [...state.early.keys()] });
  }

  protected deliverInOrder(from: NodeId, state: Incoming): void {
    for (;;) {
      const payload = state.early.get(state.next);
      if (payload === undefined) return;
      state.early.delete(state.next);
      state.next++;
      this.app.deliver(from, payload);
    }
  }

  protected onAck(from: NodeId, p: AckPacket): void {
    const out = this.out.get(from);
    if (out === undefined || p.inc !== this.inc) return;
    let progress = p.next > out.acked;
    out.acked = Math.max(out.acked, p.next);
    const held = new Set(p.early);
    for (const seq of out.unacked.keys()) {
      if (seq < p.next || held.has(seq)) {
        out.unacked.delete(seq);
        progress = true;
      }
    }
    if (!progress) return;
    out.rto = this.minRto;
    while (out.backlog.length > 0 && this.hasRoom(out)) this.transmitNew(from, out, out.backlog.shift() as Json);
    if (out.unacked.size === 0 && out.timer !== null) {
      this.ctx.cancelTimer(out.timer);
      out.timer = null;
    }
  }

  /**
   * The receiver buffers only WINDOW sequence numbers past what it has delivered, so the window is
   * measured from the cumulative ack, not by counting unacknowledged packets: selectively acked
   * packets leave `unacked` while an earlier one is still missing.
   */
  protected hasRoom(out: Outgoing): boolean {
    return out.next < out.acked + WINDOW;
  }

  protected transmitNew(to: NodeId, out: Outgoing, payload: Json): void {
    const seq = out.next++;
    out.unacked.set(seq, { payload, lastSent: this.ctx.now() });
    this.ctx.send(to, { type: "data", inc: this.inc, seq, payload });
    if (out.timer === null) this.arm(to, out);
  }

  /** Sets the timer for when the oldest unacknowledged packet becomes overdue. */
  protected arm(to: NodeId, out: Outgoing): void {
    let oldest = Infinity;
    for (const u of out.unacked.values()) oldest = Math.min(oldest, u.lastSent);
    out.timer = this.ctx.setTimer(Math.max(1, oldest + out.rto - this.ctx.now()), to);
  }

  protected outgoing(to: NodeId): Outgoing {
    let out = this.out.get(to);
    if (out === undefined) {
      out = { next: 0, acked: 0, unacked: new Map(), backlog: [], rto: this.minRto, timer: null };
      this.out.set(to, out);
    }
    return out;
  }
}

export function createChannelNode(ctx: NodeContext, app: ChannelApp): ChannelNode {
  return new ReliableChannel(ctx, app);
}
