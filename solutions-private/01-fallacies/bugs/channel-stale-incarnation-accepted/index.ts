/**
 * Classic mistake: the receiver keeps one stream per (sender, incarnation) and never retires the old
 * ones. A straggler from before the sender's restart is then still welcome: it continues the old
 * incarnation's stream and is delivered after messages of the new incarnation, which the
 * application above may already have acted on.
 * A correct receiver discards packets from an incarnation older than the newest it has seen.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { ChannelApp, ChannelNode } from "../../../../grader/suites/01-fallacies/interface.js";
import { ReliableChannel, type DataPacket, type Incoming } from "../../channel.js";

export * from "../../index.js";

class StaleIncarnationAccepted extends ReliableChannel {
  /** Streams of earlier incarnations, by "sender/incarnation", still taking packets. */
  protected readonly retired = new Map<string, Incoming>();

  protected override onData(from: NodeId, p: DataPacket): void {
    const state = this.in.get(from);
    if (state !== undefined && p.inc > state.inc) this.retired.set(`${from}/${state.inc}`, state);
    const old = this.retired.get(`${from}/${p.inc}`);
    if (old === undefined) return super.onData(from, p);
    if (p.seq >= old.next) old.early.set(p.seq, p.payload);
    this.deliverInOrder(from, old);
  }
}

export function createChannelNode(ctx: NodeContext, app: ChannelApp): ChannelNode {
  return new StaleIncarnationAccepted(ctx, app);
}
