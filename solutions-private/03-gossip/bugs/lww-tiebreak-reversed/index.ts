/**
 * Classic mistake: an LWW register whose tie-break is deterministic but the wrong way round (the
 * smaller replica id wins). Replicas still converge, but not to the value the specification names:
 * the handout's rule is that on equal timestamps the larger replica id wins.
 */
import { LWWRegister as Reference } from "../../crdts.js";

export * from "../../index.js";

export class LWWRegister extends Reference {
  protected override wins(a: { time: number; replica: string }, b: { time: number; replica: string }): boolean {
    return a.time > b.time || (a.time === b.time && a.replica < b.replica);
  }
}
