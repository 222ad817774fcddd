/**
 * Classic mistake: when the first packet of a sender's new incarnation arrives, the receiver starts
 * the new stream at that packet's sequence number, as if it were the first. If the new
 * incarnation's first packets were lost or delayed, the receiver skips them and later drops them
 * as duplicates. A new incarnation numbers from 0: expect 0 and buffer what arrives early.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { ChannelApp, ChannelNode } from "../../../../grader/suites/01-fallacies/interface.js";
import { ReliableChannel, type DataPacket } from "../../channel.js";

export * from "../../index.js";

class FromFirstArrival extends ReliableChannel {
  protected override onData(from: NodeId, p: DataPacket): void {
    const state = this.in.get(from);
    if (state !== undefined && p.inc > state.inc) this.in.set(from, { inc: p.inc, next: p.seq, early: new Map() });
    super.onData(from, p);
  }
}

export function createChannelNode(ctx: NodeContext, app: ChannelApp): ChannelNode {
  return new FromFirstArrival(ctx, app);
}
