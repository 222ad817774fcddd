/**
 * Classic mistake: the sender transmits each message once and trusts the network to carry it
 * ("the network is reliable", fallacy #1). Any lost packet is lost for good, and the receiver waits
 * forever for the gap to be filled.
 * A correct sender keeps each message until it is acked and retransmits on a timer.
 */
import type { Json, NodeContext } from "../../../../grader/sim/api.js";
import type { ChannelApp, ChannelNode } from "../../../../grader/suites/01-fallacies/interface.js";
import { ReliableChannel } from "../../channel.js";

export * from "../../index.js";

class NoRetransmit extends ReliableChannel {
  override onTimer(_payload: Json): void {}
}

export function createChannelNode(ctx: NodeContext, app: ChannelApp): ChannelNode {
  return new NoRetransmit(ctx, app);
}
