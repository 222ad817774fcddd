/**
 * Classic mistake: the acceptor checks an accept request against the ballot it last accepted instead
 * of the ballot it promised. It then accepts for a ballot it promised to ignore, behind the back of
 * the proposer it promised, which has already picked its value.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { PaxosApp, PaxosNode, PaxosRoles } from "../../../../grader/suites/04-consensus/interface.js";
import { Paxos, compareBallots, type Ballot } from "../../paxos.js";

export * from "../../index.js";

class ChecksAcceptedBallot extends Paxos {
  protected override mayAccept(ballot: Ballot): boolean {
    return compareBallots(ballot, this.accepted?.ballot ?? null) >= 0;
  }
}

export function createPaxosNode(ctx: NodeContext, roles: PaxosRoles, app: PaxosApp): PaxosNode {
  return new ChecksAcceptedBallot(ctx, roles, app);
}
