/**
 * Classic mistake: on receive, the vector clock merges the message's stamp but does not count the
 * receive as an event of its own. The receive then gets the same vector as the send that caused it
 * (or as this node's previous event), and compares "equal" to an event that happened before it.
 * A correct clock merges, then increments its own entry.
 */
import type { VectorTimestamp } from "../../../../grader/suites/01-fallacies/interface.js";
import { VectorClock as Reference, mergeVectors } from "../../clocks.js";

export * from "../../index.js";

export class VectorClock extends Reference {
  override receive(remote: VectorTimestamp): VectorTimestamp {
    this.entries = { ...mergeVectors(this.entries, remote) };
    return this.time;
  }
}
