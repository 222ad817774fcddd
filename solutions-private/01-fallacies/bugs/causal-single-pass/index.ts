/**
 * Classic mistake: after a message arrives, the hold-back queue is scanned once. A delivery in that
 * scan can make a message earlier in the queue ready, but nothing looks at it again until the next
 * arrival, and after the last arrival it waits forever. Replies that overtake what they reply to
 * fill the queue in exactly that order.
 * A correct receiver keeps scanning until a whole pass delivers nothing.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { BroadcastApp, CausalNode } from "../../../../grader/suites/01-fallacies/interface.js";
import { CausalBroadcast } from "../../causal.js";

export * from "../../index.js";

class SinglePass extends CausalBroadcast {
  protected override deliverReady(): void {
    for (const msg of [...this.waiting]) {
      if (!this.isReady(msg)) continue;
      this.waiting = this.waiting.filter((m) => m !== msg);
      this.deliver(msg);
    }
  }
}

export function createCausalNode(ctx: NodeContext, app: BroadcastApp): CausalNode {
  return new SinglePass(ctx, app);
}
