/**
 * Classic mistake: no seen-set on the forwarding path. The node remembers what it delivered, but
 * forwards every value it receives to all its other neighbours, every time, at once. On any topology
 * with a cycle (a ring, a grid, a mesh) copies circle forever and multiply: a message storm.
 * A correct node forwards a value only the first time it sees it.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { BroadcastApp, BroadcastNode } from "../../../../grader/suites/03-gossip/interface.js";
import { GossipBroadcast } from "../../broadcast.js";

export * from "../../index.js";

class Storm extends GossipBroadcast {
  protected override chooseOverlay(): readonly NodeId[] {
    return this.neighbours;
  }

  protected override learn(value: number, from: NodeId | null): boolean {
    const fresh = super.learn(value, from);
    for (const n of this.overlay) if (n !== from) this.ctx.send(n, { type: "gossip", values: [value] });
    for (const queue of this.outbox.values()) queue.length = 0;
    return fresh;
  }
}

export function createBroadcastNode(ctx: NodeContext, neighbours: readonly NodeId[], app: BroadcastApp): BroadcastNode {
  return new Storm(ctx, neighbours, app);
}
