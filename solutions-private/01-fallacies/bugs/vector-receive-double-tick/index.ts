/**
 * Classic mistake: the vector clock's receive ticks twice, once before merging ("an event happens")
 * and once after ("the receive is an event"). {n1: 1} received on a fresh n2 gives {n1: 1, n2: 2}.
 * Happens-before still holds between the events a run produces, so only an exact check sees it, but
 * every other node now believes n2 did an event it never did, and a causal-broadcast receiver that
 * counts those entries would wait for it forever.
 * A correct clock merges, then increments its own entry once.
 */
import type { VectorTimestamp } from "../../../../grader/suites/01-fallacies/interface.js";
import { VectorClock as Reference } from "../../clocks.js";

export * from "../../index.js";

export class VectorClock extends Reference {
  override receive(remote: VectorTimestamp): VectorTimestamp {
    this.tick();
    return super.receive(remote);
  }
}
