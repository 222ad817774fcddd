/**
 * Classic mistake: the receiver acks one past the highest sequence number it has received (early,
 * buffered arrivals included) instead of one past the contiguous prefix it has delivered. The sender
 * reads the ack as cumulative, forgets every message below it, and so never retransmits the ones
 * that were lost in the gap: the receiver waits for them forever.
 * A correct receiver acks "I have everything below next" and nothing more (or uses selective acks
 * that the sender reads as selective).
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { ChannelApp, ChannelNode } from "../../../../grader/suites/01-fallacies/interface.js";
import { ReliableChannel, type Incoming } from "../../channel.js";

export * from "../../index.js";

class AckHighestReceived extends ReliableChannel {
  protected override acknowledge(from: NodeId, state: Incoming): void {
    const highest = Math.max(state.next - 1, ...state.early.keys());
    super.acknowledge(from, { ...state, next: highest + 1 });
  }
}

export function createChannelNode(ctx: NodeContext, app: ChannelApp): ChannelNode {
  return new AckHighestReceived(ctx, app);
}
