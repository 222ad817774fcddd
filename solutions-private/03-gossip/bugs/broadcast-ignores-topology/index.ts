/**
 * Classic mistake: gossiping to `ctx.peers` (every node) instead of the neighbours the topology gives.
 * In a real network those links do not exist. Send only to the neighbours you were given.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { BroadcastApp, BroadcastNode } from "../../../../grader/suites/03-gossip/interface.js";
import { GossipBroadcast } from "../../broadcast.js";

export * from "../../index.js";

export function createBroadcastNode(ctx: NodeContext, _neighbours: readonly NodeId[], app: BroadcastApp): BroadcastNode {
  return new GossipBroadcast(ctx, ctx.peers, app);
}
