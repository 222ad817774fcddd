/**
 * The application on top of causal broadcast, played by the grader. It knows the true causal past
 * of every broadcast (everything its origin had delivered when it broadcast), checks each delivery
 * as it happens, and checks at the end that every node delivered every broadcast.
 */
import type { Json, NodeId } from "../../sim/api.js";
import { Violation } from "../../sim/errors.js";
import type { Random } from "../../sim/random.js";
import type { Simulation } from "../../sim/simulation.js";
import type { PacketLog } from "./packet-log.js";

interface Broadcast {
  name: string;
  origin: NodeId;
  sentAt: number;
  /** Broadcasts the origin had delivered (its own included) before this one. */
  past: readonly string[];
  deliveredAt: Map<NodeId, number>;
}

export class CausalChecker {
  private readonly byToken = new Map<string, Broadcast>();
  private readonly deliveredAt = new Map<NodeId, Map<string, number>>();
  private readonly counts = new Map<NodeId, number>();
  private log: PacketLog | null = null;
  /** Called after each successful delivery (the workload uses it to broadcast replies). */
  onDelivered: (at: NodeId, b: Broadcast) => void = () => {};

  constructor(
    private readonly sim: Simulation,
    private readonly rng: Random,
    private readonly nodes: readonly NodeId[],
  ) {
    for (const n of nodes) this.deliveredAt.set(n, new Map());
  }

  /** The payload for the next broadcast by `origin`, registered with its causal past. */
  nextPayload(origin: NodeId): string {
    const count = (this.counts.get(origin) ?? 0) + 1;
    this.counts.set(origin, count);
    const token = `b${this.rng.nextUint32().toString(36)}${this.byToken.size.toString(36)}`;
    const past = [...(this.deliveredAt.get(origin) as Map<string, number>).keys()];
    this.byToken.set(token, { name: `${origin}#${count}`, origin, sentAt: this.sim.now, past, deliveredAt: new Map() });
    return token;
  }

  /** The `BroadcastApp.deliver` of node `at`. */
  deliver(at: NodeId, origin: NodeId, payload: Json): void {
    const now = this.sim.now;
    const fail = (text: string): never => {
      throw new Violation(text, { time: now, node: at });
    };
    const b = typeof payload === "string" ? this.byToken.get(payload) : undefined;
    if (b === undefined) return fail(`${at} delivered ${JSON.stringify(payload)} at t=${now}ms, but nobody broadcast that payload`);
    if (origin !== b.origin) fail(`${at} delivered broadcast ${b.name} at t=${now}ms saying it came from ${origin}`);
    const mine = this.deliveredAt.get(at) as Map<string, number>;
    const before = mine.get(payload as string);
    if (before !== undefined) fail(`${at} delivered broadcast ${b.name} twice: at t=${before}ms and again at t=${now}ms`);
    for (const dep of b.past) {
      if (!mine.has(dep)) {
        const d = this.byToken.get(dep) as Broadcast;
        const own = d.origin === at ? ` (${d.name} is ${at}'s own broadcast: a node must deliver its own broadcasts too)` : "";
        fail(
          `${at} delivered broadcast ${b.name} at t=${now}ms before ${d.name}, which ${b.origin} had delivered before broadcasting ${b.name}: ` +
            `${b.name} causally depends on ${d.name}, so ${d.name} must be delivered first${own}`,
        );
      }
    }
    mine.set(payload as string, now);
    b.deliveredAt.set(at, now);
    this.onDelivered(at, b);
  }

  /** Whether `text` is a broadcast payload (packets carrying it carry that broadcast). */
  isPayload(text: string): boolean {
    return this.byToken.has(text);
  }

  /** Lets failure messages say what the network carried. */
  explainWith(log: PacketLog): void {
    this.log = log;
  }

  checkAllDelivered(why: string): void {
    const missing: { b: Broadcast; n: NodeId; token: string }[] = [];
    for (const [token, b] of this.byToken) {
      for (const n of this.nodes) if (!b.deliveredAt.has(n)) missing.push({ b, n, token });
    }
    if (missing.length === 0) return;
    // The most telling one: a broadcast whose whole causal past that node had delivered.
    const ready = missing.find(({ b, n }) => this.readySince(b, n) !== undefined);
    const { b, n, token } = ready ?? (missing[0] as (typeof missing)[number]);
    throw new Violation(
      `${n} never delivered broadcast ${b.name} (sent at t=${b.sentAt}ms${n === b.origin ? "; the origin must deliver its own broadcasts too" : ""}) by t=${this.sim.now}ms, ${why}` +
        (n === b.origin ? "" : this.explainMissing(b, n, token)),
      { time: this.sim.now, node: n },
    );
  }

  /** When `n` had delivered everything `b` depends on (undefined if it never did). */
  private readySince(b: Broadcast, n: NodeId): number | undefined {
    const mine = this.deliveredAt.get(n) as Map<string, number>;
    let since = 0;
    for (const dep of b.past) {
      const time = mine.get(dep);
      if (time === undefined) return undefined;
      since = Math.max(since, time);
    }
    return since;
  }

  /** What the trace shows: did it reach the node, and was it ready when it did? */
  private explainMissing(b: Broadcast, n: NodeId, token: string): string {
    if (this.log === null) return "";
    const reached = this.log.carrying(token).filter((p) => p.to === n && p.arrivals.length > 0);
    const since = this.readySince(b, n);
    if (reached.length === 0) return `. No packet carrying it ever reached ${n}`;
    const arrived = Math.round(Math.min(...reached.map((p) => p.arrivals[0] as number)));
    if (since === undefined) {
      const dep = b.past.find((d) => !(this.deliveredAt.get(n) as Map<string, number>).has(d)) as string;
      return `. A packet carrying it reached ${n} at t=${arrived}ms, but ${n} never delivered ${(this.byToken.get(dep) as Broadcast).name}, which it depends on`;
    }
    const last = b.past.reduce<string | undefined>((a, d) => ((this.deliveredAt.get(n) as Map<string, number>).get(d) === since ? d : a), undefined);
    // Had it only been missed by a scan, a later delivery at n (which means a later scan) would have found it.
    const mine = this.deliveredAt.get(n) as Map<string, number>;
    const laterScan = [...mine].some(([d, time]) => time > since && (this.byToken.get(d) as Broadcast).origin !== n);
    if (arrived >= since || last === undefined || laterScan) {
      return (
        `. A packet carrying it reached ${n} at t=${arrived}ms; ${n} had delivered everything ${b.name} depends on by t=${Math.round(Math.max(since, 0))}ms${last ? ` (the last, ${(this.byToken.get(last) as Broadcast).name})` : ""}${laterScan ? " and went on delivering other broadcasts" : ""}, yet it held this one back: ` +
        `the hold-back condition waits for more than the causal past. A stamp should count, per origin, only the broadcasts its origin had delivered (its own included), not messages received or sent`
      );
    }
    return (
      `. A packet carrying it reached ${n} at t=${arrived}ms, before ${n} delivered the last broadcast it depends on (${(this.byToken.get(last) as Broadcast).name}, at t=${Math.round(since)}ms); ` +
      `from then on it was ready, but ${n} never delivered it: after each delivery, check the held-back messages again, until none is ready`
    );
  }

  /**
   * What `checkAllDelivered` holds to its deadline, as figures: the latest delivery time at any node,
   * and how many (node, broadcast) deliveries were missing. `lastAt` is undefined if none happened.
   */
  deliveryFigures(): { lastAt: number | undefined; missing: number } {
    let lastAt: number | undefined;
    let missing = 0;
    for (const b of this.byToken.values()) {
      for (const n of this.nodes) {
        const at = b.deliveredAt.get(n);
        if (at === undefined) missing++;
        else lastAt = Math.max(lastAt ?? at, at);
      }
    }
    return { lastAt, missing };
  }

  get broadcasts(): number {
    return this.byToken.size;
  }
}
