/**
 * Classic mistake: the sender's incarnation number lives only in memory, so every start (including a
 * restart after a crash) is incarnation 1. The restarted sender numbers its messages from 0 again;
 * the receiver, which already delivered that incarnation's early numbers, takes them for duplicates,
 * drops them and acks them, so the sender forgets them: messages silently lost.
 * A correct sender increments an incarnation number in durable storage, and syncs it, at every start.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { ChannelApp, ChannelNode } from "../../../../grader/suites/01-fallacies/interface.js";
import { ReliableChannel } from "../../channel.js";

export * from "../../index.js";

class IncarnationNotPersisted extends ReliableChannel {
  protected override nextIncarnation(): number {
    return 1;
  }
}

export function createChannelNode(ctx: NodeContext, app: ChannelApp): ChannelNode {
  return new IncarnationNotPersisted(ctx, app);
}
