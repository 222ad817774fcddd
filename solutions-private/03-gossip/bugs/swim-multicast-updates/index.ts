/**
 * Classic mistake: announcing every membership change in a separate message to every member, instead
 * of piggybacking it on the pings and acks the protocol sends anyway. Each change costs a burst of
 * N-1 messages from every node that learns it; SWIM's point is that dissemination costs no extra
 * messages at all.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { SwimNode } from "../../../../grader/suites/03-gossip/interface.js";
import { Swim, type Update } from "../../swim.js";

export * from "../../index.js";

class Multicast extends Swim {
  protected override enqueue(u: Update): void {
    super.enqueue(u);
    for (const peer of this.ctx.peers) this.ctx.send(peer, { type: "ack", seq: -1, updates: [u] } as never);
  }
}

export function createSwimNode(ctx: NodeContext): SwimNode {
  return new Multicast(ctx);
}
