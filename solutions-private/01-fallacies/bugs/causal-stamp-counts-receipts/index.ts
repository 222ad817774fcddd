/**
 * Classic mistake: broadcasts are stamped with a Part A vector clock, which ticks on every receive
 * and send. The stamp then counts events, not deliveries: after receiving a message from n2, n1's
 * next broadcast carries n1: 3 although n1 has broadcast only once before, and every receiver waits
 * for two broadcasts from n1 that never existed.
 * A correct stamp counts, per origin, the broadcasts the sender had delivered (its own included).
 */
import type { Json, NodeContext } from "../../../../grader/sim/api.js";
import type { BroadcastApp, CausalNode } from "../../../../grader/suites/01-fallacies/interface.js";
import { CausalBroadcast, type Stamped } from "../../causal.js";
import { VectorClock } from "../../clocks.js";

export * from "../../index.js";

class StampCountsReceipts extends CausalBroadcast {
  protected readonly clock = new VectorClock(this.ctx.id);

  override broadcast(payload: Json): void {
    const msg: Stamped = { origin: this.ctx.id, clock: this.clock.send(), payload };
    this.deliver(msg);
    for (const peer of this.ctx.peers) this.channel.send(peer, msg as unknown as Json);
  }

  protected override receive(msg: Stamped): void {
    this.clock.receive(msg.clock);
    super.receive(msg);
  }
}

export function createCausalNode(ctx: NodeContext, app: BroadcastApp): CausalNode {
  return new StampCountsReceipts(ctx, app);
}
