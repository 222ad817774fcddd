/**
 * Classic mistake: the origin hands its own broadcast to its application but does not count it
 * among the broadcasts it has delivered. Every broadcast it makes is then stamped as its first, so
 * receivers, which have already delivered its first, hold the second back forever.
 * A correct origin counts its own broadcast as delivered, exactly like one from a peer.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { BroadcastApp, CausalNode } from "../../../../grader/suites/01-fallacies/interface.js";
import { CausalBroadcast, type Stamped } from "../../causal.js";

export * from "../../index.js";

class OwnNotCounted extends CausalBroadcast {
  protected override deliver(msg: Stamped): void {
    if (msg.origin !== this.ctx.id) return super.deliver(msg);
    this.app.deliver(msg.origin, msg.payload);
  }
}

export function createCausalNode(ctx: NodeContext, app: BroadcastApp): CausalNode {
  return new OwnNotCounted(ctx, app);
}
