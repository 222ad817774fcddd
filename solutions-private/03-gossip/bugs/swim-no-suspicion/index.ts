/**
 * Classic mistake: declaring a member dead the moment a probe fails, with no suspicion phase. A live
 * member whose ping and ping-reqs happened to be lost is removed for good, with no chance to refute.
 * Mark it suspect first, and declare it dead only if no refutation arrives within a timeout.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { SwimNode } from "../../../../grader/suites/03-gossip/interface.js";
import { Swim, type Update } from "../../swim.js";

export * from "../../index.js";

class NoSuspicion extends Swim {
  protected override apply(u: Update): void {
    super.apply(u.status === "suspect" && u.node !== this.ctx.id ? { ...u, status: "dead" } : u);
  }
}

export function createSwimNode(ctx: NodeContext): SwimNode {
  return new NoSuspicion(ctx);
}
