/**
 * Objects the grader hands to lab code (a node's context and storage, and, when lab code runs
 * confined, the stand-ins of the grader's objects it receives: see grader/runner/guest-values.ts).
 * They are the grader's, not the node's: measures of a node's state (grader/check/state-size.ts) and
 * the explorer's snapshots (grader/explore/canonical.ts) leave them out, wherever a node keeps them.
 */

/** A base whose constructor returns its argument, so a subclass's private field lands on that object. */
class Stamp {
  constructor(target: object) {
    return target;
  }
}

/**
 * The mark: a private field stamped onto the object. Only this module can add or test it, so lab code
 * cannot forge it, and unlike a WeakSet entry it costs the garbage collector nothing extra (confined
 * labs make one stand-in per node incarnation, tens of thousands in an explorer test).
 */
class HandedIn extends Stamp {
  readonly #handedIn = true;
  static has(value: object): boolean {
    return #handedIn in value;
  }
}

/** Objects that cannot take the mark (made non-extensible before being marked). */
const unstampable = new WeakSet<object>();
/** Further tests, for kinds of object made too often for a WeakSet entry each (a brand check). */
const checks: ((value: object) => boolean)[] = [];

/** Marks `value` as the grader's; returns it. */
export function markHandedIn<T extends object>(value: T): T {
  if (HandedIn.has(value)) return value;
  if (Object.isExtensible(value)) new HandedIn(value);
  else unstampable.add(value);
  return value;
}

/** Adds a test that recognises objects of the grader's; it must not be forgeable by lab code. */
export function addHandedInCheck(check: (value: object) => boolean): void {
  checks.push(check);
}

export function isHandedIn(value: object): boolean {
  if (HandedIn.has(value) || unstampable.has(value)) return true;
  for (const check of checks) if (check(value)) return true;
  return false;
}
