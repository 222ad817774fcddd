/**
 * Classic mistake: the learner counts "accepted" messages, not distinct acceptors. A duplicated
 * message makes it decide a value that only one acceptor accepted, which may never be chosen.
 */
import type { Json, NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { PaxosApp, PaxosNode, PaxosRoles } from "../../../../grader/suites/04-consensus/interface.js";
import { Paxos, type Ballot } from "../../paxos.js";

export * from "../../index.js";

class CountsMessages extends Paxos {
  protected counts = new Map<string, number>();
  protected override onAccepted(_from: NodeId, ballot: Ballot, value: Json): void {
    const k = JSON.stringify(ballot);
    const n = (this.counts.get(k) ?? 0) + 1;
    this.counts.set(k, n);
    if (n >= this.majority) this.learn(value);
  }
}

export function createPaxosNode(ctx: NodeContext, roles: PaxosRoles, app: PaxosApp): PaxosNode {
  return new CountsMessages(ctx, roles, app);
}
