/**
 * Classic mistake: a node that received some proposals of v, but fewer than f + 1, flips a coin
 * instead of adopting v. If another node decided v in that round, the coin can take this node to
 * the other bit, and the undecided nodes can go on to decide it.
 * With at least one proposal of v a node adopts v; it flips a coin only with none.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { BenOrApp, BenOrNode, Bit } from "../../../../grader/suites/04-consensus/interface.js";
import { BenOr, count } from "../../ben-or.js";

export * from "../../index.js";

class CoinDespiteProposal extends BenOr {
  protected override endRound(proposals: Map<NodeId, Bit | null>): void {
    const seen = ([0, 1] as const).find((v) => count(proposals, v) > 0);
    if (seen !== undefined && count(proposals, seen) >= this.decisionThreshold()) return this.decide(seen);
    this.x = this.coin();
    this.reports.delete(this.round);
    this.proposals.delete(this.round);
    this.round++;
    this.phase = 1;
    this.broadcast({ type: "report", round: this.round, value: this.x });
  }
}

export function createBenOrNode(ctx: NodeContext, input: Bit, f: number, app: BenOrApp): BenOrNode {
  return new CoinDespiteProposal(ctx, input, f, app);
}
