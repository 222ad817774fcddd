/**
 * Classic mistake: the new incarnation number is written to storage but never synced. Only synced
 * writes survive a crash, so after a restart the sender reads the old number again and reuses it,
 * numbering from 0: the receiver takes the new messages for duplicates of old ones.
 * A correct sender calls `sync()` after `set`, before it sends anything with the new number.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { ChannelApp, ChannelNode } from "../../../../grader/suites/01-fallacies/interface.js";
import { ReliableChannel } from "../../channel.js";

export * from "../../index.js";

class IncarnationNotSynced extends ReliableChannel {
  protected override nextIncarnation(): number {
    const inc = ((this.ctx.storage.get("incarnation") as number | undefined) ?? 0) + 1;
    this.ctx.storage.set("incarnation", inc);
    return inc;
  }
}

export function createChannelNode(ctx: NodeContext, app: ChannelApp): ChannelNode {
  return new IncarnationNotSynced(ctx, app);
}
