/**
 * Classic mistake: the sender takes any ack at face value, without checking which of its
 * incarnations it acknowledges. After a restart the sequence numbers start again from 0, so a late
 * ack addressed to the previous incarnation ("everything below 25 delivered") marks new messages
 * as delivered that the receiver never got, and they are never retransmitted: the stream stalls.
 * A correct sender ignores acks that carry another incarnation.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { ChannelApp, ChannelNode } from "../../../../grader/suites/01-fallacies/interface.js";
import { ReliableChannel, type AckPacket } from "../../channel.js";

export * from "../../index.js";

class AckIncarnationIgnored extends ReliableChannel {
  protected override onAck(from: NodeId, p: AckPacket): void {
    super.onAck(from, { ...p, inc: this.inc });
  }
}

export function createChannelNode(ctx: NodeContext, app: ChannelApp): ChannelNode {
  return new AckIncarnationIgnored(ctx, app);
}
