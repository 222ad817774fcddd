/**
 * Classic mistake: gossip about a member is never sent to that member, so a suspect never hears
 * that it is suspected and cannot refute. Tell a member you suspect whenever you talk to it.
 */
import type { Json, NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { SwimNode } from "../../../../grader/suites/03-gossip/interface.js";
import { MAX_PIGGYBACK, RETRANSMITS, Swim, type SwimMessage } from "../../swim.js";

export * from "../../index.js";

class SuspectNotTold extends Swim {
  protected override send(to: NodeId, body: { type: SwimMessage["type"]; seq: number; target?: NodeId }): void {
    const chosen = [...this.outgoing.values()]
      .filter((e) => e.update.node !== to)
      .sort((a, b) => a.sent - b.sent)
      .slice(0, MAX_PIGGYBACK);
    for (const entry of chosen) if (++entry.sent >= RETRANSMITS) this.outgoing.delete(entry.update.node);
    this.ctx.send(to, { ...body, updates: chosen.map((e) => e.update) } as unknown as Json);
  }
}

export function createSwimNode(ctx: NodeContext): SwimNode {
  return new SuspectNotTold(ctx);
}
