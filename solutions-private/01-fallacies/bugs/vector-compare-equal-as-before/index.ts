/**
 * Classic mistake: compareVectors says "before" when every entry of `a` is <= `b`'s, without
 * asking that one be strictly smaller. Two equal timestamps (the same event, or a receive that
 * forgot to tick) then compare "before" both ways round, and a node would order an event before
 * itself.
 * A correct comparison says "equal" when no entry differs.
 */
import type { Ordering, VectorTimestamp } from "../../../../grader/suites/01-fallacies/interface.js";
import { compareVectors as reference } from "../../clocks.js";

export * from "../../index.js";

export function compareVectors(a: VectorTimestamp, b: VectorTimestamp): Ordering {
  const ordering = reference(a, b);
  return ordering === "equal" ? "before" : ordering;
}
