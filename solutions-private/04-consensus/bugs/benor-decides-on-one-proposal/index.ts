/**
 * Classic mistake: a node decides v as soon as one proposal of v is among the n - f it waited for,
 * instead of f + 1. Another node's n - f proposals can then miss that single proposal of v: it
 * flips a coin, may land on the other bit, and the others can go on to decide it.
 * With f + 1 proposals of v, every set of n - f proposals contains at least one of them.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { BenOrApp, BenOrNode, Bit } from "../../../../grader/suites/04-consensus/interface.js";
import { BenOr } from "../../ben-or.js";

export * from "../../index.js";

class DecidesOnOne extends BenOr {
  protected override decisionThreshold(): number {
    return 1;
  }
}

export function createBenOrNode(ctx: NodeContext, input: Bit, f: number, app: BenOrApp): BenOrNode {
  return new DecidesOnOne(ctx, input, f, app);
}
