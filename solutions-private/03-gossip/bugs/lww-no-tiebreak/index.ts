/**
 * Classic mistake: an LWW register that keeps its own write when timestamps are equal. Two replicas
 * that wrote at the same time each keep their own value after merging: merge is not commutative and
 * the replicas never converge. Break ties deterministically (here: the larger replica id wins).
 */
import { LWWRegister as Reference } from "../../crdts.js";

export * from "../../index.js";

export class LWWRegister extends Reference {
  protected override wins(a: { time: number }, b: { time: number }): boolean {
    return a.time > b.time;
  }
}
