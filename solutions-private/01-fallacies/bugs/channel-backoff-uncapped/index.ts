/**
 * Classic mistake: the retransmission timeout doubles without a cap. During an 8 s partition it
 * grows to 6.4 s, 12.8 s, ...; when the network heals, the sender is asleep for seconds more before
 * it tries again, so a healed network stays unused (TCP caps its timeout for the same reason).
 * A correct sender doubles up to a cap (about a second here) and resets when acks make progress.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { ChannelApp, ChannelNode } from "../../../../grader/suites/01-fallacies/interface.js";
import { ReliableChannel } from "../../channel.js";

export * from "../../index.js";

class BackoffUncapped extends ReliableChannel {
  protected override backoff(rto: number): number {
    return rto * 2;
  }
}

export function createChannelNode(ctx: NodeContext, app: ChannelApp): ChannelNode {
  return new BackoffUncapped(ctx, app);
}
