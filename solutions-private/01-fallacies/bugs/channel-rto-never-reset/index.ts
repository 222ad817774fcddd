/**
 * Classic mistake: the retransmission timeout backs off but never comes back down. After one outage
 * the sender keeps waiting the maximum timeout for every later loss, even though acks now arrive
 * within milliseconds, so a lossy but healthy link crawls.
 * A correct sender resets the timeout when an ack makes progress (the link is working again).
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { ChannelApp, ChannelNode } from "../../../../grader/suites/01-fallacies/interface.js";
import { ReliableChannel, type AckPacket } from "../../channel.js";

export * from "../../index.js";

class RtoNeverReset extends ReliableChannel {
  protected override onAck(from: NodeId, p: AckPacket): void {
    const out = this.out.get(from);
    const rto = out?.rto;
    super.onAck(from, p);
    if (out !== undefined && rto !== undefined) out.rto = Math.max(out.rto, rto);
  }
}

export function createChannelNode(ctx: NodeContext, app: ChannelApp): ChannelNode {
  return new RtoNeverReset(ctx, app);
}
