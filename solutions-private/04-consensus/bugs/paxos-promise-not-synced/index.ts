/**
 * Classic mistake: the acceptor syncs when it accepts, but writes its promise without syncing ("a
 * promise is only a promise"). After a crash it has forgotten what it promised, accepts a lower
 * ballot's value behind the back of the proposer it promised, and that proposer, which heard of no
 * accepted value, gets a different value chosen.
 * Both the promise and the acceptance must be durable before the reply that reveals them.
 */
import type { Json, NodeContext } from "../../../../grader/sim/api.js";
import type { PaxosApp, PaxosNode, PaxosRoles } from "../../../../grader/suites/04-consensus/interface.js";
import { Paxos, compareBallots, type Ballot } from "../../paxos.js";

export * from "../../index.js";

class PromiseNotSynced extends Paxos {
  protected override onPrepare(from: string, ballot: Ballot): void {
    if (compareBallots(ballot, this.promised) < 0) return this.send(from, { type: "nack", ballot, promised: this.promised as Ballot });
    this.promised = ballot;
    this.ctx.storage.set("promised", this.promised as Json);
    this.send(from, { type: "promise", ballot, accepted: this.accepted });
  }
}

export function createPaxosNode(ctx: NodeContext, roles: PaxosRoles, app: PaxosApp): PaxosNode {
  return new PromiseNotSynced(ctx, roles, app);
}
