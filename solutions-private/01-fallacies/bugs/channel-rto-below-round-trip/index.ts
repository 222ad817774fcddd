/**
 * Classic mistake: the retransmission timeout is shorter than a round trip. A packet is sent again
 * before its ack could possibly have come back, so on a slow link every message costs several
 * packets and the "retransmissions" compete with the traffic they duplicate. Backing off hides it
 * for a while, but every ack that makes progress resets the timeout to its too-short minimum.
 * A correct sender starts above the longest round trip it expects (or measures round trips).
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { ChannelApp, ChannelNode } from "../../../../grader/suites/01-fallacies/interface.js";
import { ReliableChannel } from "../../channel.js";

export * from "../../index.js";

class RtoBelowRoundTrip extends ReliableChannel {
  protected override readonly minRto = 25;
}

export function createChannelNode(ctx: NodeContext, app: ChannelApp): ChannelNode {
  return new RtoBelowRoundTrip(ctx, app);
}
