/**
 * Classic mistake: a node drops messages of rounds it has not reached yet instead of keeping them.
 * Faster nodes' messages for the next round are lost to a slower node, which then waits forever
 * for n - f messages of that round: they were already sent, and dropped.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { BenOrApp, BenOrNode, Bit } from "../../../../grader/suites/04-consensus/interface.js";
import { BenOr } from "../../ben-or.js";

export * from "../../index.js";

class DropsFutureRounds extends BenOr {
  protected override record<V>(table: Map<number, Map<NodeId, V>>, round: number, from: NodeId, value: V): void {
    if (round > this.round) return;
    super.record(table, round, from, value);
  }
}

export function createBenOrNode(ctx: NodeContext, input: Bit, f: number, app: BenOrApp): BenOrNode {
  return new DropsFutureRounds(ctx, input, f, app);
}
