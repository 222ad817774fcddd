/**
 * Classic mistake: a G-Counter that is one number, merged by taking the larger. Two replicas that
 * increment concurrently each hold part of the total, and the maximum keeps only one part: the other
 * replica's increments are lost. Keep one entry per replica and take the maximum entry by entry.
 */
import type { Json, NodeId } from "../../../../grader/sim/api.js";
import type { GCounter as IGCounter } from "../../../../grader/suites/03-gossip/interface.js";

export * from "../../index.js";

export class GCounter implements IGCounter {
  protected total: number;

  constructor(
    protected readonly replica: NodeId,
    state?: Json,
  ) {
    this.total = typeof state === "number" ? state : 0;
  }

  increment(by = 1): void {
    this.total += by;
  }

  state(): Json {
    return this.total;
  }

  merge(remote: Json): void {
    this.total = Math.max(this.total, remote as number);
  }

  value(): number {
    return this.total;
  }
}
