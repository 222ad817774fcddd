/**
 * Classic mistake: the send window counts unacknowledged packets instead of being measured from the
 * cumulative ack. Selectively acknowledged packets free window slots while an earlier one is still
 * missing, so the sender runs past what the receiver will buffer; the receiver drops those packets
 * and they all have to be sent again.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { ChannelApp, ChannelNode } from "../../../../grader/suites/01-fallacies/interface.js";
import { ReliableChannel, WINDOW } from "../../channel.js";

export * from "../../index.js";

class WindowCountsUnacked extends ReliableChannel {
  protected override hasRoom(out: { unacked: Map<number, unknown> }): boolean {
    return out.unacked.size < WINDOW;
  }
}

export function createChannelNode(ctx: NodeContext, app: ChannelApp): ChannelNode {
  return new WindowCountsUnacked(ctx, app);
}
