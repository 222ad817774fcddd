/**
 * Classic mistake: the proposer counts promise messages, not distinct acceptors. A duplicated
 * promise makes one acceptor look like a majority, so the proposer picks its value without hearing
 * from any acceptor that knows the chosen value.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { PaxosApp, PaxosNode, PaxosRoles } from "../../../../grader/suites/04-consensus/interface.js";
import { Paxos, type Accepted } from "../../paxos.js";

export * from "../../index.js";

class CountsDuplicates extends Paxos {
  protected received = 0;
  protected override startRound(): void {
    this.received = 0;
    super.startRound();
  }
  protected override countPromise(from: NodeId, accepted: Accepted | null): void {
    this.received++;
    super.countPromise(from, accepted);
  }
  protected override promiseCount(): number {
    return this.received;
  }
}

export function createPaxosNode(ctx: NodeContext, roles: PaxosRoles, app: PaxosApp): PaxosNode {
  return new CountsDuplicates(ctx, roles, app);
}
