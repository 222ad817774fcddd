/**
 * Classic mistake: the receiver delivers a packet as soon as it arrives if it is not older than what
 * it expects, and moves its expectation past it. Reordering then delivers messages out of order, and
 * the packets it jumped over are treated as duplicates when they (or their retransmissions) arrive,
 * so they are never delivered.
 * A correct receiver buffers early arrivals and delivers only the next expected sequence number.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { ChannelApp, ChannelNode } from "../../../../grader/suites/01-fallacies/interface.js";
import { ReliableChannel, type Incoming } from "../../channel.js";

export * from "../../index.js";

class NoReorderBuffer extends ReliableChannel {
  protected override deliverInOrder(from: NodeId, state: Incoming): void {
    for (const [seq, payload] of [...state.early].sort(([x], [y]) => x - y)) {
      state.early.delete(seq);
      state.next = seq + 1;
      this.app.deliver(from, payload);
    }
  }
}

export function createChannelNode(ctx: NodeContext, app: ChannelApp): ChannelNode {
  return new NoReorderBuffer(ctx, app);
}
