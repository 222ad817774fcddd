/**
 * Classic mistake: anti-entropy on a tight loop (every 20 ms), "to be safe". Each exchange is a
 * message, so every node sends 50 a second whether or not there is anything to repair, far over
 * the traffic budget. Once a second or so repairs just as well.
 */
import type { Json, NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { BroadcastApp, BroadcastNode } from "../../../../grader/suites/03-gossip/interface.js";
import { GossipBroadcast } from "../../broadcast.js";

export * from "../../index.js";

const TIGHT_SYNC_MS = 20;

class SyncsConstantly extends GossipBroadcast {
  override onTimer(payload: Json): void {
    if (payload !== "sync") return super.onTimer(payload);
    this.antiEntropy();
    this.ctx.setTimer(TIGHT_SYNC_MS, "sync");
  }
}

export function createBroadcastNode(ctx: NodeContext, neighbours: readonly NodeId[], app: BroadcastApp): BroadcastNode {
  return new SyncsConstantly(ctx, neighbours, app);
}
