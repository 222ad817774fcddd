/**
 * Classic mistake: a G-Counter merge that adds the other replica's entries to its own. Merging the
 * same state twice (gossip repeats itself) counts the same increments twice: the merge is not
 * idempotent. Take the maximum of each entry: each replica's entry only ever grows.
 */
import type { Json } from "../../../../grader/sim/api.js";
import { GCounter as Reference } from "../../crdts.js";

export * from "../../index.js";

export class GCounter extends Reference {
  override merge(remote: Json): void {
    for (const [r, n] of Object.entries(remote as Record<string, number>)) this.counts[r] = (this.counts[r] ?? 0) + n;
  }
}
