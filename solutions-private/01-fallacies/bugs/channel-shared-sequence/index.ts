/**
 * Classic mistake: one sequence counter for all destinations. A node sending to n2 and n3 numbers
 * its messages 0, 1, 2, ... across both, so n2 sees 0, 2, 3, 5, ... and waits forever for the
 * numbers that went to n3. Sequence numbers describe one stream: one counter per destination.
 */
import type { Json, NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { ChannelApp, ChannelNode } from "../../../../grader/suites/01-fallacies/interface.js";
import { ReliableChannel } from "../../channel.js";

export * from "../../index.js";

class SharedSequence extends ReliableChannel {
  protected sharedNext = 0;

  protected override transmitNew(to: NodeId, out: Parameters<ReliableChannel["transmitNew"]>[1], payload: Json): void {
    // Every destination's stream draws its numbers from the one counter.
    out.next = Math.max(out.next, this.sharedNext);
    super.transmitNew(to, out, payload);
    this.sharedNext = out.next;
  }
}

export function createChannelNode(ctx: NodeContext, app: ChannelApp): ChannelNode {
  return new SharedSequence(ctx, app);
}
