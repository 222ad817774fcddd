/**
 * Classic mistake: the suspicion timeout is a couple of protocol periods, tuned so that crashes are
 * detected fast. On a lossy network refutations still get through in time, but a live node that
 * stalls for a couple of seconds (a long garbage-collection pause, a slow VM) cannot refute before
 * everyone has declared it dead, and dead is final.
 * A correct timeout leaves a suspect several seconds (SWIM's Lifeguard scales it with the cluster
 * size) and still detects real crashes within the bound.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { SwimNode } from "../../../../grader/suites/03-gossip/interface.js";
import { Swim, type Update } from "../../swim.js";

export * from "../../index.js";

const SHORT_SUSPICION_MS = 2000;

class ShortSuspicion extends Swim {
  protected override apply(u: Update): void {
    const before = this.suspicionTimers.get(u.node);
    super.apply(u);
    const after = this.suspicionTimers.get(u.node);
    if (after !== undefined && after !== before) {
      this.ctx.cancelTimer(after);
      this.suspicionTimers.set(u.node, this.ctx.setTimer(SHORT_SUSPICION_MS, { kind: "suspicion", node: u.node, incarnation: u.incarnation }));
    }
  }
}

export function createSwimNode(ctx: NodeContext): SwimNode {
  return new ShortSuspicion(ctx);
}
