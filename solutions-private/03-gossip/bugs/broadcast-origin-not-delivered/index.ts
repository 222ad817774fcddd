/**
 * Classic mistake: broadcast() sends the value to the others but does not deliver it at home. The
 * value is marked seen, so when copies come back the node ignores them: the broadcaster never
 * delivers its own value. Every node delivers every value, the broadcaster included.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { BroadcastApp, BroadcastNode } from "../../../../grader/suites/03-gossip/interface.js";
import { GossipBroadcast } from "../../broadcast.js";

export * from "../../index.js";

class OriginSilent extends GossipBroadcast {
  override broadcast(value: number): void {
    this.seen.add(value);
    this.ctx.storage.set(`v:${value}`, true);
    this.ctx.storage.sync();
    for (const queue of this.outbox.values()) queue.push(value);
  }
}

export function createBroadcastNode(ctx: NodeContext, neighbours: readonly NodeId[], app: BroadcastApp): BroadcastNode {
  return new OriginSilent(ctx, neighbours, app);
}
