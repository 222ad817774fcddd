/**
 * Classic mistake: ballots are plain round numbers, so two proposers can use the same ballot. Both
 * get promises (an acceptor promises any ballot at least as high as its promise) and acceptors accept
 * two different values in one ballot.
 * A correct ballot is unique to its proposer, e.g. [round, proposer id].
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { PaxosApp, PaxosNode, PaxosRoles } from "../../../../grader/suites/04-consensus/interface.js";
import { Paxos, type Ballot } from "../../paxos.js";

export * from "../../index.js";

class NonUniqueBallots extends Paxos {
  protected override makeBallot(round: number): Ballot {
    return [round, ""];
  }
}

export function createPaxosNode(ctx: NodeContext, roles: PaxosRoles, app: PaxosApp): PaxosNode {
  return new NonUniqueBallots(ctx, roles, app);
}
