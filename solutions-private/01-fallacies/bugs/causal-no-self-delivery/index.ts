/**
 * Classic mistake: the origin sends its broadcast to every peer but never delivers it to its own
 * application (it counts it, so its stamps stay right). "Deliver at every node" includes the sender:
 * a replicated state machine built on this would never apply its own updates.
 * A correct origin delivers its own broadcast immediately, before sending it to the others.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { BroadcastApp, CausalNode } from "../../../../grader/suites/01-fallacies/interface.js";
import { CausalBroadcast, type Stamped } from "../../causal.js";

export * from "../../index.js";

class NoSelfDelivery extends CausalBroadcast {
  protected override deliver(msg: Stamped): void {
    if (msg.origin !== this.ctx.id) return super.deliver(msg);
    this.delivered[msg.origin] = (this.delivered[msg.origin] ?? 0) + 1;
  }
}

export function createCausalNode(ctx: NodeContext, app: BroadcastApp): CausalNode {
  return new NoSelfDelivery(ctx, app);
}
