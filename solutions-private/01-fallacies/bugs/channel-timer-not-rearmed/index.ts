/**
 * Classic mistake: the retransmission timer is set when a message is sent, and a firing retransmits
 * but does not set it again. If that retransmission is lost too, nothing happens until the
 * application sends something new, and after its last message the stream stalls for good.
 * A correct sender keeps a timer running for as long as anything is unacknowledged.
 */
import type { Json, NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { ChannelApp, ChannelNode } from "../../../../grader/suites/01-fallacies/interface.js";
import { ReliableChannel } from "../../channel.js";

export * from "../../index.js";

class TimerNotRearmed extends ReliableChannel {
  override onTimer(payload: Json): void {
    const to = payload as NodeId;
    const out = this.outgoing(to);
    out.timer = null;
    const now = this.ctx.now();
    for (const [seq, u] of out.unacked) {
      this.ctx.send(to, { type: "data", inc: this.inc, seq, payload: u.payload });
      u.lastSent = now;
    }
    out.rto = this.backoff(out.rto);
  }
}

export function createChannelNode(ctx: NodeContext, app: ChannelApp): ChannelNode {
  return new TimerNotRearmed(ctx, app);
}
