/**
 * Classic mistake: the seen-set lives only in memory. After a crash and restart the node has forgotten
 * what it delivered, so anti-entropy brings the old values back and it delivers them all a second
 * time. What must survive a restart has to be written to storage and synced before it is acted on.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { BroadcastApp, BroadcastNode } from "../../../../grader/suites/03-gossip/interface.js";
import { GossipBroadcast } from "../../broadcast.js";

export * from "../../index.js";

class Forgetful extends GossipBroadcast {
  protected override learn(value: number, from: NodeId | null): boolean {
    if (this.seen.has(value)) return false;
    this.seen.add(value);
    this.app.deliver(value);
    for (const [n, queue] of this.outbox) if (n !== from) queue.push(value);
    return true;
  }
}

export function createBroadcastNode(ctx: NodeContext, neighbours: readonly NodeId[], app: BroadcastApp): BroadcastNode {
  return new Forgetful(ctx, neighbours, app);
}
