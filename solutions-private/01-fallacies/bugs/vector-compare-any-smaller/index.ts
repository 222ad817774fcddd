/**
 * Classic mistake: compareVectors answers "before" as soon as one entry of `a` is smaller than `b`'s,
 * without checking that no other entry is larger. Concurrent events are then reported as ordered
 * (always "before"), which is exactly the information vector clocks exist to provide.
 * A correct comparison says "before" only if every entry is <= and one is <; if some entries are
 * smaller and others larger, the events are "concurrent".
 */
import type { Ordering, VectorTimestamp } from "../../../../grader/suites/01-fallacies/interface.js";
import { compareVectors as reference } from "../../clocks.js";

export * from "../../index.js";

export function compareVectors(a: VectorTimestamp, b: VectorTimestamp): Ordering {
  // Same verdict as "return 'before' if any entry of a is smaller": "concurrent" always has one.
  const ordering = reference(a, b);
  return ordering === "concurrent" ? "before" : ordering;
}
