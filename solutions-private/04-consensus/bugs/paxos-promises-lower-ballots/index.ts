/**
 * Classic mistake: the acceptor promises every prepare it receives, so a late prepare with a lower
 * ballot replaces a higher promise. The acceptor then accepts the lower ballot's value after it
 * promised a higher proposer, which heard of no accepted value and goes on to get its own chosen.
 * An acceptor promises only a ballot at least as high as its promise, and never lowers it.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { PaxosApp, PaxosNode, PaxosRoles } from "../../../../grader/suites/04-consensus/interface.js";
import { Paxos, type Ballot } from "../../paxos.js";

export * from "../../index.js";

class PromisesLower extends Paxos {
  protected override onPrepare(from: NodeId, ballot: Ballot): void {
    this.promised = ballot;
    this.persist();
    this.send(from, { type: "promise", ballot, accepted: this.accepted });
  }
}

export function createPaxosNode(ctx: NodeContext, roles: PaxosRoles, app: PaxosApp): PaxosNode {
  return new PromisesLower(ctx, roles, app);
}
