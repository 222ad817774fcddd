/**
 * Classic mistake: the receiver detects duplicates by remembering the id of every packet it has ever
 * received. It is correct, but its memory grows with every message for as long as the node lives.
 * A correct receiver needs only the incarnation and the next expected sequence number per sender
 * (plus a bounded window of early arrivals): everything below "next" is a duplicate.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { ChannelApp, ChannelNode } from "../../../../grader/suites/01-fallacies/interface.js";
import { ReliableChannel, type DataPacket } from "../../channel.js";

export * from "../../index.js";

class UnboundedDedup extends ReliableChannel {
  /** The id of every data packet ever accepted (delivered or buffered): it only grows. */
  protected readonly seen = new Set<string>();

  protected override onData(from: NodeId, p: DataPacket): void {
    const id = `${from}/${p.inc}/${p.seq}`;
    const state = this.in.get(from);
    if (state !== undefined && this.seen.has(id)) return this.acknowledge(from, state); // a duplicate
    super.onData(from, p);
    const after = this.in.get(from);
    if (after !== undefined && p.inc === after.inc && (p.seq < after.next || after.early.has(p.seq))) this.seen.add(id);
  }
}

export function createChannelNode(ctx: NodeContext, app: ChannelApp): ChannelNode {
  return new UnboundedDedup(ctx, app);
}
