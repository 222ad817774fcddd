/**
 * Classic mistake: Lamport stamps are ordered by time alone, so stamps with equal times from different
 * nodes compare as 0 ("the same"). That is only a partial order: mutual exclusion or a replicated log
 * built on it cannot decide who goes first.
 * A correct comparison breaks ties by node id, and returns 0 only for the very same stamp.
 */
import type { LamportStamp } from "../../../../grader/suites/01-fallacies/interface.js";

export * from "../../index.js";

export function compareLamport(a: LamportStamp, b: LamportStamp): number {
  return a.time - b.time;
}
