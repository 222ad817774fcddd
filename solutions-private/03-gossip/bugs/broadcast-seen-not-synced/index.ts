/**
 * Classic mistake: the seen-set is written to storage but never synced. Unsynced writes die with a
 * crash, so a restarted node has forgotten what it delivered and delivers old values again. Call
 * ctx.storage.sync() after writing, before delivering.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { BroadcastApp, BroadcastNode } from "../../../../grader/suites/03-gossip/interface.js";
import { GossipBroadcast } from "../../broadcast.js";

export * from "../../index.js";

class NeverSyncs extends GossipBroadcast {
  protected override learn(value: number, from: NodeId | null): boolean {
    if (this.seen.has(value)) return false;
    this.seen.add(value);
    this.ctx.storage.set(`v:${value}`, true);
    this.app.deliver(value);
    for (const [n, queue] of this.outbox) if (n !== from) queue.push(value);
    return true;
  }
}

export function createBroadcastNode(ctx: NodeContext, neighbours: readonly NodeId[], app: BroadcastApp): BroadcastNode {
  return new NeverSyncs(ctx, neighbours, app);
}
