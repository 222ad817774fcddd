/**
 * The application on top of causal broadcast, played by the grader. It knows the true causal past
 * of every broadcast (everything its origin had delivered when it broadcast), checks each delivery
 * as it happens, and checks at the end that every node delivered every broadcast.
 */
import type { Json, NodeId } from "../../sim/api.js";
import { Violation } from "../../sim/errors.js";
import type { Random } from "../../sim/random.js";
import type { Simulation } from "../../sim/simulation.js";

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

  checkAllDelivered(why: string): void {
    for (const b of this.byToken.values()) {
      for (const n of this.nodes) {
        if (!b.deliveredAt.has(n)) {
          throw new Violation(
            `${n} never delivered broadcast ${b.name} (sent at t=${b.sentAt}ms${n === b.origin ? "; the origin must deliver its own broadcasts too" : ""}) by t=${this.sim.now}ms, ${why}`,
            { time: this.sim.now, node: n },
          );
        }
      }
    }
  }

  get broadcasts(): number {
    return this.byToken.size;
  }
}
