/**
 * Classic mistake: the acceptor accepts only ballots strictly above its promise ("accept if b >
 * promised"). The proposer's accept request carries the very ballot the acceptor promised, so it is
 * always refused: nothing is ever chosen, however often the proposer retries.
 * An acceptor accepts in any ballot at least as high as its promise.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { PaxosApp, PaxosNode, PaxosRoles } from "../../../../grader/suites/04-consensus/interface.js";
import { Paxos, compareBallots, type Ballot } from "../../paxos.js";

export * from "../../index.js";

class NeedsHigherBallot extends Paxos {
  protected override mayAccept(ballot: Ballot): boolean {
    return compareBallots(ballot, this.promised) > 0;
  }
}

export function createPaxosNode(ctx: NodeContext, roles: PaxosRoles, app: PaxosApp): PaxosNode {
  return new NeedsHigherBallot(ctx, roles, app);
}
