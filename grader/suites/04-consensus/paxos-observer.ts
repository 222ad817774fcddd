/**
 * What the grader saw of a Paxos run's messages, so that a failure can say what the trace shows
 * rather than guess. It never reads a message's fields (their shapes are the learner's own): it
 * knows who sent what to whom and when, which proposed value a message carries (its JSON text
 * contains that value's JSON), in which handler an acceptor called `app.accepted`, and restarts.
 *
 * Words used in messages: an "accept request" is a message from a proposer to an acceptor that
 * carries a proposed value; a "prepare" is one that carries none. Both are only meaningful when no
 * node is both a proposer and an acceptor (then every message between the two is one of them).
 */
import type { Json, NodeId } from "../../sim/api.js";
import type { Simulation } from "../../sim/simulation.js";
import type { TraceEvent } from "../../sim/trace.js";
import type { PaxosRoles } from "./interface.js";

/** A message that was handed to its receiver. */
export interface Delivery {
  id: number;
  from: NodeId;
  /** The sender's incarnation when it sent the message (1, then 2 after its first restart, ...). */
  fromIncarnation: number;
  to: NodeId;
  sentAt: number;
  at: number;
  /** The proposed value (as JSON text) the message carries, or null (worked out when first asked). */
  readonly carries: string | null;
  /** Did the receiver call app.accepted while handling it? */
  accepted: boolean;
  /** Did the receiver send anything back to the sender while handling it? */
  answered: boolean;
}

interface Sent {
  from: NodeId;
  fromIncarnation: number;
  to: NodeId;
  at: number;
  msg: Json;
}

/** Where an acceptance came from: the proposer whose message the acceptor was handling. */
export interface Origin {
  proposer: NodeId;
  incarnation: number;
  /** When that incarnation started (its restart), if it is not the first. */
  restartedAt: number | null;
  /** When the proposer sent the accept request. */
  sentAt: number;
}

export class PaxosObserver {
  readonly deliveries: Delivery[] = [];
  private readonly sent = new Map<number, Sent>();
  private readonly incarnations = new Map<NodeId, number>();
  private readonly restarts = new Map<NodeId, number[]>();
  private readonly sends = new Map<NodeId, number[]>();
  /** The delivery whose handler is running, if the running handler is a delivery. */
  private current: Delivery | null = null;

  constructor(
    sim: Simulation,
    private readonly roles: PaxosRoles,
    private readonly proposed: () => Iterable<string>,
  ) {
    sim.listen((e) => this.see(e));
  }

  /** No node is both a proposer and an acceptor: messages between them are prepares or accept requests. */
  get rolesApart(): boolean {
    return !this.roles.proposers.some((p) => this.roles.acceptors.includes(p));
  }

  /** The acceptor running a handler calls app.accepted: where did the accepted value come from? */
  acceptedNow(): Origin | null {
    const d = this.current;
    if (d === null) return null;
    d.accepted = true;
    if (!this.roles.proposers.includes(d.from)) return null;
    const restarts = this.restarts.get(d.from) ?? [];
    return { proposer: d.from, incarnation: d.fromIncarnation, restartedAt: d.fromIncarnation > 1 ? (restarts[d.fromIncarnation - 2] ?? null) : null, sentAt: d.sentAt };
  }

  /** Times at which `node` restarted. */
  restartTimes(node: NodeId): readonly number[] {
    return this.restarts.get(node) ?? [];
  }

  /** Times at which `node` sent messages. */
  sendTimes(node: NodeId): readonly number[] {
    return this.sends.get(node) ?? [];
  }

  /** Accept requests (proposer to acceptor, carrying a value) that were delivered. */
  acceptRequests(): Delivery[] {
    return this.deliveries.filter((d) => d.carries !== null && this.roles.proposers.includes(d.from) && this.roles.acceptors.includes(d.to));
  }

  /** Messages `from` sent to `to`, with the times they were sent. */
  sentOn(from: NodeId, to: NodeId): { id: number; at: number; carries: string | null; incarnation: number }[] {
    const out = [];
    for (const [id, s] of this.sent) if (s.from === from && s.to === to) out.push({ id, at: s.at, carries: this.carried(s.msg), incarnation: s.fromIncarnation });
    return out;
  }

  private see(e: TraceEvent): void {
    switch (e.type) {
      case "start":
      case "restart":
        this.incarnations.set(e.node, e.incarnation);
        if (e.type === "restart") this.restarts.set(e.node, [...(this.restarts.get(e.node) ?? []), e.t]);
        this.current = null;
        return;
      case "send": {
        this.sent.set(e.id, { from: e.from, fromIncarnation: this.incarnations.get(e.from) ?? 1, to: e.to, at: e.t, msg: e.msg });
        let times = this.sends.get(e.from);
        if (times === undefined) this.sends.set(e.from, (times = []));
        times.push(e.t);
        if (this.current !== null && e.from === this.current.to && e.to === this.current.from) this.current.answered = true;
        return;
      }
      case "deliver": {
        const s = this.sent.get(e.id);
        if (s === undefined) return;
        // Which value a message carries is only needed to explain a failure: work it out then.
        const carried = (msg: Json) => this.carried(msg);
        let carries: string | null | undefined;
        this.current = {
          id: e.id,
          from: s.from,
          fromIncarnation: s.fromIncarnation,
          to: s.to,
          sentAt: s.at,
          at: e.t,
          get carries() {
            return carries === undefined ? (carries = carried(s.msg)) : carries;
          },
          accepted: false,
          answered: false,
        };
        this.deliveries.push(this.current);
        return;
      }
      case "timer-fire":
      case "call":
      case "crash":
        this.current = null;
        return;
      default:
        return;
    }
  }

  private carried(msg: Json): string | null {
    const text = JSON.stringify(msg) ?? "";
    for (const v of this.proposed()) if (text.includes(v)) return v;
    return null;
  }
}
