/**
 * Classic mistake: a suspected node refutes with "alive" at the incarnation it was suspected at.
 * Suspect overrides alive at the same incarnation (that is how a suspicion spreads), so the
 * refutation changes nobody's mind and the suspect is declared dead when the timeout expires.
 * Refute with a higher incarnation number than the suspicion's.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { SwimNode } from "../../../../grader/suites/03-gossip/interface.js";
import { Swim } from "../../swim.js";

export * from "../../index.js";

class SameIncarnation extends Swim {
  protected override refute(incarnation: number): void {
    this.incarnation = Math.max(this.incarnation, incarnation);
    this.enqueue({ node: this.ctx.id, status: "alive", incarnation: this.incarnation });
  }
}

export function createSwimNode(ctx: NodeContext): SwimNode {
  return new SameIncarnation(ctx);
}
