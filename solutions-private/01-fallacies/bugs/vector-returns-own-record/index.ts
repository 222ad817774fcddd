/**
 * Classic mistake: the vector clock returns its own record instead of a copy. Every timestamp the
 * caller holds (in a log, in a message not yet sent) silently changes with the clock's later events,
 * so an old event later looks as recent as the newest one.
 * A correct clock returns a snapshot: a copy (frozen, ideally) of its record.
 */
import type { VectorTimestamp } from "../../../../grader/suites/01-fallacies/interface.js";
import { VectorClock as Reference } from "../../clocks.js";

export * from "../../index.js";

export class VectorClock extends Reference {
  override get time(): VectorTimestamp {
    return this.entries;
  }

  override receive(remote: VectorTimestamp): VectorTimestamp {
    // Merges in place, so the record handed out earlier is the one that changes.
    for (const [node, count] of Object.entries(remote)) this.entries[node] = Math.max(this.entries[node] ?? 0, count);
    return this.tick();
  }
}
