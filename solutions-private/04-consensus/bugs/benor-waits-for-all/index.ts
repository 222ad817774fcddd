/**
 * Classic mistake: each phase waits for a message from every node. One crashed node is enough to
 * stop everyone forever; Ben-Or waits for n - f, the most it can count on.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { BenOrApp, BenOrNode, Bit } from "../../../../grader/suites/04-consensus/interface.js";
import { BenOr } from "../../ben-or.js";

export * from "../../index.js";

class WaitsForAll extends BenOr {
  protected override quorum(): number {
    return this.n;
  }
}

export function createBenOrNode(ctx: NodeContext, input: Bit, f: number, app: BenOrApp): BenOrNode {
  return new WaitsForAll(ctx, input, f, app);
}
