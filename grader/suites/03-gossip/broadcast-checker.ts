/**
 * The application on top of Part A's broadcast, played by the grader. It checks every delivery as it
 * happens (known value, never twice at one node, even across restarts), checks at the end that every
 * node delivered every value, and measures latency from broadcast to delivery at the last node.
 */
import type { NodeId } from "../../sim/api.js";
import { Violation } from "../../sim/errors.js";
import type { Simulation } from "../../sim/simulation.js";
import type { TestContext } from "../../runner/suite.js";

interface Sent {
  origin: NodeId;
  at: number;
  deliveredAt: Map<NodeId, number>;
}

export interface BroadcastMetrics {
  broadcasts: number;
  messagesPerBroadcast: number;
  bytesPerBroadcast: number;
  /** Time from broadcast until the last node delivered it, in virtual ms. */
  medianLatencyMs: number;
  maxLatencyMs: number;
}

export class BroadcastChecker {
  private readonly sent = new Map<number, Sent>();
  private nextValue = 1;
  /** When each node's instances were created: restarts explain duplicates. */
  private readonly starts = new Map<NodeId, number[]>();

  constructor(
    private readonly sim: Simulation,
    private readonly nodes: readonly NodeId[],
  ) {}

  /** Called whenever a node (re)starts: a fresh instance is created for it. */
  started(node: NodeId): void {
    const starts = this.starts.get(node) ?? [];
    starts.push(this.sim.now);
    this.starts.set(node, starts);
  }

  /** A fresh value for `origin` to broadcast now. */
  register(origin: NodeId): number {
    const value = this.nextValue++;
    this.sent.set(value, { origin, at: this.sim.now, deliveredAt: new Map() });
    return value;
  }

  /** The `BroadcastApp.deliver` of node `at`. */
  deliver(at: NodeId, value: number): void {
    const now = this.sim.now;
    const b = this.sent.get(value);
    if (b === undefined) throw new Violation(`${at} delivered ${JSON.stringify(value)} at t=${now}ms, but nobody broadcast that value`, { time: now, node: at });
    const before = b.deliveredAt.get(at);
    if (before !== undefined) {
      const restart = (this.starts.get(at) ?? []).find((t) => t > before && t <= now);
      const why =
        restart !== undefined
          ? `, after it restarted at t=${restart}ms: it forgot what it had delivered. Write the seen-set to ctx.storage and sync() before delivering (only synced writes survive a crash), and read it back when the node starts`
          : `, with no restart in between: check the seen-set before delivering, not only before forwarding`;
      throw new Violation(`${at} delivered value ${value} (broadcast by ${b.origin} at t=${b.at}ms) twice: at t=${before}ms and again at t=${now}ms${why}`, { time: now, node: at });
    }
    b.deliveredAt.set(at, now);
  }

  checkAllDelivered(why: string): void {
    for (const [value, b] of this.sent) {
      for (const n of this.nodes) {
        if (!b.deliveredAt.has(n)) {
          const others = b.deliveredAt.size;
          if (n === b.origin) {
            throw new Violation(
              `${n} broadcast value ${value} at t=${b.at}ms but never delivered it itself by t=${this.sim.now}ms (${others} of ${this.nodes.length} nodes did), ${why}: ` +
                `the broadcaster delivers its own values too, once, like every other node`,
              { time: this.sim.now, node: n },
            );
          }
          throw new Violation(
            `${n} never delivered value ${value} (broadcast by ${b.origin} at t=${b.at}ms; ${others} of ${this.nodes.length} nodes did) by t=${this.sim.now}ms, ${why}`,
            { time: this.sim.now, node: n },
          );
        }
      }
    }
  }

  /**
   * Records, for `checkAllDelivered` at `from + deadlineMs`, the figures it decides on: how many
   * (value, node) deliveries are missing, and, when none is, how long after `from` the last one came.
   * Call it just before `checkAllDelivered`, so that the figures are kept even when the check fails.
   */
  measureDelivery(t: TestContext, since: string, from: number, deadlineMs: number | null): void {
    let missing = 0;
    let last = from;
    for (const b of this.sent.values()) {
      missing += this.nodes.filter((n) => !b.deliveredAt.has(n)).length;
      for (const at of b.deliveredAt.values()) last = Math.max(last, at);
    }
    t.measure("deliveries missing at the deadline", missing, { atMost: 0, unit: "deliveries" });
    if (deadlineMs !== null && missing === 0) t.measure(`time to deliver every value after ${since}`, last - from, { atMost: deadlineMs, unit: "ms" });
  }

  /** When `node` delivered `value`, if it has. */
  deliveredAt(node: NodeId, value: number): number | undefined {
    return this.sent.get(value)?.deliveredAt.get(node);
  }

  /** Every value broadcast so far, with who broadcast it and when. */
  *values(): IterableIterator<{ value: number; origin: NodeId; at: number }> {
    for (const [value, b] of this.sent) yield { value, origin: b.origin, at: b.at };
  }

  /** Whether `node` has delivered `value`. */
  hasDelivered(node: NodeId, value: number): boolean {
    return this.sent.get(value)?.deliveredAt.has(node) ?? false;
  }

  get broadcasts(): number {
    return this.sent.size;
  }

  metrics(): BroadcastMetrics {
    const latencies = [...this.sent.values()].map((b) => Math.max(...b.deliveredAt.values()) - b.at).sort((a, b) => a - b);
    const count = this.sent.size;
    return {
      broadcasts: count,
      messagesPerBroadcast: this.sim.stats.sent / count,
      bytesPerBroadcast: this.sim.stats.bytesSent / count,
      medianLatencyMs: latencies[Math.floor((latencies.length - 1) / 2)] ?? 0,
      maxLatencyMs: latencies[latencies.length - 1] ?? 0,
    };
  }
}

export function describeMetrics(m: BroadcastMetrics): string {
  return (
    `${m.broadcasts} broadcasts: ${m.messagesPerBroadcast.toFixed(1)} messages and ${Math.round(m.bytesPerBroadcast)} bytes per broadcast, ` +
    `latency to the last node median ${m.medianLatencyMs}ms, max ${m.maxLatencyMs}ms`
  );
}
