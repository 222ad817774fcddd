/**
 * Classic mistake: mergeVectors walks the entries of `a` only, taking the larger value for each, so
 * a node that appears only in `b` is dropped. The merged vector forgets events it has heard of,
 * and a later event looks concurrent with one it happened after.
 * A correct merge takes the maximum over the nodes of both vectors (missing counts as 0).
 */
import type { VectorTimestamp } from "../../../../grader/suites/01-fallacies/interface.js";

export * from "../../index.js";

export function mergeVectors(a: VectorTimestamp, b: VectorTimestamp): VectorTimestamp {
  return Object.fromEntries(Object.entries(a).map(([node, count]) => [node, Math.max(count, b[node] ?? 0)]));
}
