/**
 * Lab 4 Part C: Ben-Or's randomized binary consensus, for n nodes of which at most f < n/2 crash.
 *
 * Every node starts with an input bit x and runs rounds r = 1, 2, ... of two phases. In each phase
 * it broadcasts one message and then waits for n - f messages of that round and phase (its own
 * included): never for more, since f nodes may be silent forever.
 * 1. Report x. Having n - f reports: if more than n/2 of ALL nodes reported the same v, propose v;
 *    otherwise propose "?".
 * 2. Having n - f proposals: with at least f + 1 proposals of v, decide v (`app.decided(v, r)`);
 *    with at least one, set x = v; with none, set x to a coin flip (`ctx.random()`).
 * Messages of later rounds can arrive early: keep them until you get there. A node that decides
 * must still help the others finish: send its messages for round r + 1 (both carry v), then stop.
 */
import type { Json, NodeContext, NodeId } from "../../grader/sim/api.js";
import type { BenOrApp, BenOrNode, Bit } from "../../grader/suites/04-consensus/interface.js";

export class BenOr implements BenOrNode {
  // TODO: the round, the phase, x, and the reports and proposals received per round.

  constructor(
    protected readonly ctx: NodeContext,
    protected x: Bit,
    protected readonly f: number,
    protected readonly app: BenOrApp,
  ) {}

  onStart(): void {
    throw new Error("not implemented: BenOr.onStart in labs/04-consensus/ben-or.ts");
  }

  onMessage(from: NodeId, msg: Json): void {
    void from;
    void msg;
    throw new Error("not implemented: BenOr.onMessage in labs/04-consensus/ben-or.ts");
  }
}

export function createBenOrNode(ctx: NodeContext, input: Bit, f: number, app: BenOrApp): BenOrNode {
  return new BenOr(ctx, input, f, app);
}
