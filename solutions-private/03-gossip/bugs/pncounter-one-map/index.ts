/**
 * Classic mistake: a PN-Counter as one map of signed per-replica totals, merged by taking the maximum.
 * After a decrement the entry shrinks, so a merge with an older state (a larger entry) brings the old
 * total back and the decrement is lost. Keep increments and decrements in two G-Counters.
 */
import type { Json, NodeId } from "../../../../grader/sim/api.js";
import type { PNCounter as IPNCounter } from "../../../../grader/suites/03-gossip/interface.js";

export * from "../../index.js";

export class PNCounter implements IPNCounter {
  protected totals: Record<NodeId, number>;

  constructor(
    protected readonly replica: NodeId,
    state?: Json,
  ) {
    this.totals = { ...((state ?? {}) as Record<NodeId, number>) };
  }

  increment(by = 1): void {
    this.totals[this.replica] = (this.totals[this.replica] ?? 0) + by;
  }

  decrement(by = 1): void {
    this.totals[this.replica] = (this.totals[this.replica] ?? 0) - by;
  }

  state(): Json {
    return { ...this.totals };
  }

  merge(remote: Json): void {
    for (const [r, n] of Object.entries(remote as Record<NodeId, number>)) this.totals[r] = Math.max(this.totals[r] ?? -Infinity, n);
  }

  value(): number {
    return Object.values(this.totals).reduce((a, b) => a + b, 0);
  }
}
