/**
 * Classic mistake: the retransmission timeout is fixed at its minimum. While a partition lasts, the
 * sender resends its whole window every few tens of milliseconds into the void, and when the network
 * is merely slow it floods it with copies (how congestion collapse starts).
 * A correct sender doubles the timeout after each retransmission, up to a cap, and resets it when
 * an ack makes progress.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { ChannelApp, ChannelNode } from "../../../../grader/suites/01-fallacies/interface.js";
import { MIN_RTO_MS, ReliableChannel } from "../../channel.js";

export * from "../../index.js";

class NoBackoff extends ReliableChannel {
  protected override backoff(_rto: number): number {
    return MIN_RTO_MS;
  }
}

export function createChannelNode(ctx: NodeContext, app: ChannelApp): ChannelNode {
  return new NoBackoff(ctx, app);
}
