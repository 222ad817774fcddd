/**
 * Classic mistake: the receiver keeps one "next expected sequence number" for all senders instead
 * of one per sender. With two senders numbering their streams from 0, the second sender's first
 * messages look like duplicates of the first sender's, and both streams end up with gaps.
 * A correct receiver keeps its state (incarnation, next, early arrivals) per sender.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { ChannelApp, ChannelNode } from "../../../../grader/suites/01-fallacies/interface.js";
import { ReliableChannel, WINDOW, type DataPacket } from "../../channel.js";

export * from "../../index.js";

const EVERYONE = "*";

class ReceiverStateShared extends ReliableChannel {
  protected override onData(from: NodeId, p: DataPacket): void {
    let state = this.in.get(EVERYONE);
    if (state === undefined || p.inc > state.inc) {
      state = { inc: p.inc, next: 0, early: new Map() };
      this.in.set(EVERYONE, state);
    }
    if (p.inc < state.inc) return;
    if (p.seq >= state.next && p.seq < state.next + WINDOW) state.early.set(p.seq, p.payload);
    this.deliverInOrder(from, state);
    this.acknowledge(from, state);
  }

}

export function createChannelNode(ctx: NodeContext, app: ChannelApp): ChannelNode {
  return new ReceiverStateShared(ctx, app);
}
