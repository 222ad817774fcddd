/**
 * Classic mistake: compareVectors loops over the keys of `a` only. A node that appears only in `b`
 * (say `a` = {n1: 1}, `b` = {n1: 1, n2: 1}) is never looked at, so "before" is reported as "equal"
 * and "concurrent" as "after".
 * A correct comparison looks at the nodes of both stamps, counting a missing entry as 0.
 */
import type { Ordering, VectorTimestamp } from "../../../../grader/suites/01-fallacies/interface.js";
import { compareVectors as reference } from "../../clocks.js";

export * from "../../index.js";

export function compareVectors(a: VectorTimestamp, b: VectorTimestamp): Ordering {
  const bSeenThroughA = Object.fromEntries(Object.keys(a).map((node) => [node, b[node] ?? 0]));
  return reference(a, bSeenThroughA);
}
