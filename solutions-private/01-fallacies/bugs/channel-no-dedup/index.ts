/**
 * Classic mistake: the receiver trusts the network not to duplicate. A data packet it has already
 * delivered (a network duplicate, or a retransmission after a lost ack) is handed to the application
 * again: "at least once", not "exactly once".
 * A correct receiver drops any packet below the next sequence number it expects (and re-acks it).
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { ChannelApp, ChannelNode } from "../../../../grader/suites/01-fallacies/interface.js";
import { ReliableChannel, type DataPacket } from "../../channel.js";

export * from "../../index.js";

class NoDedup extends ReliableChannel {
  protected override onData(from: NodeId, p: DataPacket): void {
    const state = this.in.get(from);
    if (state !== undefined && p.inc === state.inc && p.seq < state.next) this.app.deliver(from, p.payload);
    super.onData(from, p);
  }
}

export function createChannelNode(ctx: NodeContext, app: ChannelApp): ChannelNode {
  return new NoDedup(ctx, app);
}
