/**
 * Classic mistake: anti-entropy runs only along the push overlay. On a full mesh the overlay is a
 * star around one hub (cheap and fast), so every node syncs only with the hub: when the hub is cut
 * off or down, nothing spreads at all, although every other pair of nodes could still talk.
 * Repair must not depend on one node: sync with a random neighbour from the whole topology.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { BroadcastApp, BroadcastNode } from "../../../../grader/suites/03-gossip/interface.js";
import { GossipBroadcast } from "../../broadcast.js";

export * from "../../index.js";

class AntiEntropyOverlayOnly extends GossipBroadcast {
  protected override antiEntropy(): void {
    if (this.overlay.length === 0) return;
    const peer = this.overlay[Math.floor(this.ctx.random() * this.overlay.length)] as NodeId;
    this.ctx.send(peer, { type: "sync", have: [...this.seen] });
  }
}

export function createBroadcastNode(ctx: NodeContext, neighbours: readonly NodeId[], app: BroadcastApp): BroadcastNode {
  return new AntiEntropyOverlayOnly(ctx, neighbours, app);
}
