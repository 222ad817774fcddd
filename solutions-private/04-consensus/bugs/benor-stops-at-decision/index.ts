/**
 * Classic mistake: a node that decides stops at once, without sending its messages for the next
 * round. Nodes that have not decided yet wait in that round for n - f messages, and with the
 * deciders silent they may never get them.
 * A node that decides v in round r still sends its round r + 1 report and proposal (both v).
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { BenOrApp, BenOrNode, Bit } from "../../../../grader/suites/04-consensus/interface.js";
import { BenOr } from "../../ben-or.js";

export * from "../../index.js";

class StopsAtDecision extends BenOr {
  protected override decide(v: Bit): void {
    this.decision = v;
    this.app.decided(v, this.round);
    this.halted = true;
    this.reports.clear();
    this.proposals.clear();
  }
}

export function createBenOrNode(ctx: NodeContext, input: Bit, f: number, app: BenOrApp): BenOrNode {
  return new StopsAtDecision(ctx, input, f, app);
}
