/**
 * Classic mistake: fire-and-forget gossip. Each value is pushed once along the overlay and never
 * again, with no retry and no anti-entropy, so a message lost to loss, a partition or a crash is lost
 * for good and the nodes behind it never learn the value. A correct node repairs what push missed,
 * for example by periodically comparing what it holds with a neighbour.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { BroadcastApp, BroadcastNode } from "../../../../grader/suites/03-gossip/interface.js";
import { GossipBroadcast } from "../../broadcast.js";

export * from "../../index.js";

class FireAndForget extends GossipBroadcast {
  protected override antiEntropy(): void {}
}

export function createBroadcastNode(ctx: NodeContext, neighbours: readonly NodeId[], app: BroadcastApp): BroadcastNode {
  return new FireAndForget(ctx, neighbours, app);
}
