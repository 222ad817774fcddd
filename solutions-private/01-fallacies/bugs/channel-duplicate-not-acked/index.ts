/**
 * Classic mistake: the receiver drops a duplicate silently, without acking it again. A duplicate
 * usually arrives because the sender never got the ack; if that ack was lost, the sender retransmits
 * forever and, once its window is full of such messages, stops sending anything new.
 * A correct receiver re-acks every data packet it receives, duplicates included.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { ChannelApp, ChannelNode } from "../../../../grader/suites/01-fallacies/interface.js";
import { ReliableChannel, type DataPacket } from "../../channel.js";

export * from "../../index.js";

class DuplicateNotAcked extends ReliableChannel {
  protected override onData(from: NodeId, p: DataPacket): void {
    const state = this.in.get(from);
    if (state !== undefined && p.inc === state.inc && p.seq < state.next) return;
    super.onData(from, p);
  }
}

export function createChannelNode(ctx: NodeContext, app: ChannelApp): ChannelNode {
  return new DuplicateNotAcked(ctx, app);
}
