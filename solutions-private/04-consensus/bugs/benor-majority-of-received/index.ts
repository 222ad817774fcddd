/**
 * Classic mistake: a node proposes v when most of the reports it received say v, instead of more
 * than n/2 of all nodes. Two nodes that heard different subsets can then propose different values,
 * and each value can gather f + 1 proposals.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { BenOrApp, BenOrNode, Bit } from "../../../../grader/suites/04-consensus/interface.js";
import { BenOr, count } from "../../ben-or.js";

export * from "../../index.js";

class MajorityOfReceived extends BenOr {
  protected override proposalFrom(reports: Map<NodeId, Bit>): Bit | null {
    for (const v of [0, 1] as const) if (count(reports, v) * 2 > reports.size) return v;
    return null;
  }
}

export function createBenOrNode(ctx: NodeContext, input: Bit, f: number, app: BenOrApp): BenOrNode {
  return new MajorityOfReceived(ctx, input, f, app);
}
