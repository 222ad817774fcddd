/**
 * Classic mistake: the seen-set guards forwarding but not delivery. Every copy that arrives (by two
 * paths around a cycle, a network duplicate, a repeated anti-entropy exchange) is handed to the
 * application again. Check the seen-set before delivering, not only before forwarding.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { BroadcastApp, BroadcastNode } from "../../../../grader/suites/03-gossip/interface.js";
import { GossipBroadcast } from "../../broadcast.js";

export * from "../../index.js";

class DeliversCopies extends GossipBroadcast {
  protected override learn(value: number, from: NodeId | null): boolean {
    if (this.seen.has(value)) {
      this.app.deliver(value);
      return false;
    }
    return super.learn(value, from);
  }
}

export function createBroadcastNode(ctx: NodeContext, neighbours: readonly NodeId[], app: BroadcastApp): BroadcastNode {
  return new DeliversCopies(ctx, neighbours, app);
}
