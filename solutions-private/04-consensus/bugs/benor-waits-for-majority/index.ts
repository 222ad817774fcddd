/**
 * Classic mistake: each phase waits for a majority of the nodes (more than n/2) instead of n - f.
 * The two are the same when f is as large as it may be (f = (n - 1) / 2, rounded down), but with a
 * smaller f a node decides on f + 1 proposals of v while another node's majority misses all of them:
 * it flips a coin, and agreement can break.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { BenOrApp, BenOrNode, Bit } from "../../../../grader/suites/04-consensus/interface.js";
import { BenOr } from "../../ben-or.js";

export * from "../../index.js";

class WaitsForMajority extends BenOr {
  protected override quorum(): number {
    return Math.floor(this.n / 2) + 1;
  }
}

export function createBenOrNode(ctx: NodeContext, input: Bit, f: number, app: BenOrApp): BenOrNode {
  return new WaitsForMajority(ctx, input, f, app);
}
