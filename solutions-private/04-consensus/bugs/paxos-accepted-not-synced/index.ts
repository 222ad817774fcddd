/**
 * Classic mistake: the acceptor syncs its promises but writes an acceptance without syncing it
 * before it tells anyone. After a crash it has forgotten the value it accepted, reports nothing
 * accepted to the next proposer, and that proposer can get another value chosen.
 */
import type { Json, NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { PaxosApp, PaxosNode, PaxosRoles } from "../../../../grader/suites/04-consensus/interface.js";
import { Paxos, type Ballot } from "../../paxos.js";

export * from "../../index.js";

class AcceptedNotSynced extends Paxos {
  protected override onAccept(from: NodeId, ballot: Ballot, value: Json): void {
    if (!this.mayAccept(ballot)) return this.send(from, { type: "nack", ballot, promised: this.promised as Ballot });
    this.promised = ballot;
    this.accepted = { ballot, value };
    this.ctx.storage.set("promised", this.promised as unknown as Json);
    this.ctx.storage.set("accepted", this.accepted as unknown as Json);
    this.app.accepted(ballot, value);
    for (const to of new Set([...this.roles.learners, from])) this.send(to, { type: "accepted", ballot, value });
  }
}

export function createPaxosNode(ctx: NodeContext, roles: PaxosRoles, app: PaxosApp): PaxosNode {
  return new AcceptedNotSynced(ctx, roles, app);
}
