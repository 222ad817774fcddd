/**
 * Classic mistake: the hold-back check looks only at the origin's own entry, so each origin's
 * broadcasts are delivered in order (FIFO broadcast), but dependencies on other origins are ignored.
 * If n2 replies to n1's message and the reply reaches n3 first, n3 shows the reply before the message.
 * A correct node also waits until, for every other origin k, it has delivered as many of k's
 * broadcasts as the stamp says the sender had.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { BroadcastApp, CausalNode } from "../../../../grader/suites/01-fallacies/interface.js";
import { CausalBroadcast, type Stamped } from "../../causal.js";

export * from "../../index.js";

class FifoOnly extends CausalBroadcast {
  protected override isReady(msg: Stamped): boolean {
    return (this.delivered[msg.origin] ?? 0) === (msg.clock[msg.origin] ?? 0) - 1;
  }
}

export function createCausalNode(ctx: NodeContext, app: BroadcastApp): CausalNode {
  return new FifoOnly(ctx, app);
}
