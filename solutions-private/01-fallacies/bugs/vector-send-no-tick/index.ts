/**
 * Classic mistake: a send is not counted as an event, so the message carries the vector as it was.
 * Two sends in a row then carry the same vector, and the second compares "equal" to the first
 * although one happened before the other.
 * A correct clock increments its own entry on send and puts the new vector in the message.
 */
import type { VectorTimestamp } from "../../../../grader/suites/01-fallacies/interface.js";
import { VectorClock as Reference } from "../../clocks.js";

export * from "../../index.js";

export class VectorClock extends Reference {
  override send(): VectorTimestamp {
    return this.time;
  }
}
