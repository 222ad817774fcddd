/**
 * Objects the grader hands to lab code (a node's context and storage, and, when lab code runs
 * confined, the stand-ins of the grader's objects it receives: see grader/runner/guest-values.ts).
 * They are the grader's, not the node's: measures of a node's state (grader/check/state-size.ts) and
 * the explorer's snapshots (grader/explore/canonical.ts) leave them out, wherever a node keeps them.
 */
const handedIn = new WeakSet<object>();
/** Further tests, for kinds of object made too often for a WeakSet entry each (a brand check). */
const checks: ((value: object) => boolean)[] = [];

/** Marks `value` as the grader's; returns it. */
export function markHandedIn<T extends object>(value: T): T {
  handedIn.add(value);
  return value;
}

/** Adds a test that recognises objects of the grader's; it must not be forgeable by lab code. */
export function addHandedInCheck(check: (value: object) => boolean): void {
  checks.push(check);
}

export function isHandedIn(value: object): boolean {
  return handedIn.has(value) || checks.some((check) => check(value));
}
