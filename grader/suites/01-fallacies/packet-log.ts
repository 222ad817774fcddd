/**
 * What the network carried, seen from the outside: which packets carried which application payload,
 * when each was sent, and when (if ever) each copy arrived. Payloads are the grader's own opaque
 * tokens, so a packet's role is found without knowing the learner's packet format: a packet that
 * carries a token is a data packet for that message; a packet that carries none is an ack or other
 * control traffic. Failure messages use it to say what the trace shows before naming a cause.
 */
import type { Json, NodeId } from "../../sim/api.js";
import type { Simulation } from "../../sim/simulation.js";

export interface Packet {
  from: NodeId;
  to: NodeId;
  sentAt: number;
  /** The payload tokens it carries (empty for an ack or other control packet). */
  tokens: string[];
  /** When each copy reached `to` (none if every copy was lost). */
  arrivals: number[];
}

export class PacketLog {
  private readonly byId = new Map<number, Packet>();
  private readonly byToken = new Map<string, Packet[]>();
  /** Packets per direction `from>to`, in the order sent. */
  private readonly byLink = new Map<string, Packet[]>();

  constructor(sim: Simulation, isPayload: (text: string) => boolean) {
    sim.listen((e) => {
      if (e.type === "send") {
        const tokens: string[] = [];
        collectTokens(e.msg, isPayload, tokens);
        const packet: Packet = { from: e.from, to: e.to, sentAt: e.t, tokens, arrivals: [] };
        this.byId.set(e.id, packet);
        for (const token of tokens) push(this.byToken, token, packet);
        push(this.byLink, `${e.from}>${e.to}`, packet);
      } else if (e.type === "deliver") {
        this.byId.get(e.id)?.arrivals.push(e.t);
      }
    });
  }

  /** Every transmission of the packets that carried `token`, in the order sent. */
  carrying(token: string): readonly Packet[] {
    return this.byToken.get(token) ?? [];
  }

  /** Packets sent from `from` to `to`, in the order sent. */
  link(from: NodeId, to: NodeId): readonly Packet[] {
    return this.byLink.get(`${from}>${to}`) ?? [];
  }

  /** The nodes `from` sent data packets to. */
  destinationsOf(from: NodeId): NodeId[] {
    return [...this.byLink.keys()].filter((link) => link.startsWith(`${from}>`) && this.byLink.get(link)?.some((p) => p.tokens.length > 0)).map((link) => link.slice(from.length + 1));
  }

  /** The first packet `to` sent back to `from` at or after `time`, if any. */
  firstReply(from: NodeId, to: NodeId, time: number): Packet | undefined {
    const back = this.link(to, from);
    let lo = 0;
    let hi = back.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((back[mid] as Packet).sentAt < time) lo = mid + 1;
      else hi = mid;
    }
    return back[lo];
  }

  /** All packets sent in [from, until). */
  sentBetween(from: number, until: number): Packet[] {
    return [...this.byId.values()].filter((p) => p.sentAt >= from && p.sentAt < until);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function collectTokens(value: Json | undefined, isPayload: (text: string) => boolean, into: string[]): void {
  if (typeof value === "string") {
    if (isPayload(value) && !into.includes(value)) into.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectTokens(item as Json, isPayload, into);
  } else if (value !== null && typeof value === "object") {
    for (const item of Object.values(value)) collectTokens(item, isPayload, into);
  }
}


/** The p-quantile (0..1) of `values`, or NaN if there are none. */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
}
