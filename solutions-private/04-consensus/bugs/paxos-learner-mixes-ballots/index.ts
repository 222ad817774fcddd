/**
 * Classic mistake: the learner counts distinct acceptors per value, not per ballot. Two acceptors
 * that accepted the same value in different ballots look like a majority, yet no ballot has one:
 * the value is not chosen, and a later ballot can still choose another.
 * A value is chosen when a majority of acceptors accepted it in the same ballot.
 */
import type { Json, NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { PaxosApp, PaxosNode, PaxosRoles } from "../../../../grader/suites/04-consensus/interface.js";
import { Paxos, type Ballot } from "../../paxos.js";

export * from "../../index.js";

class MixesBallots extends Paxos {
  protected override onAccepted(from: NodeId, _ballot: Ballot, value: Json): void {
    const k = JSON.stringify(value);
    let voters = this.votes.get(k);
    if (voters === undefined) this.votes.set(k, (voters = new Set()));
    voters.add(from);
    if (voters.size >= this.majority) this.learn(value);
  }
}

export function createPaxosNode(ctx: NodeContext, roles: PaxosRoles, app: PaxosApp): PaxosNode {
  return new MixesBallots(ctx, roles, app);
}
