/**
 * Classic mistake: a refused proposer retries with its own next round, ignoring the higher ballot
 * the refusal reported. When the acceptors have promised a much higher ballot (a proposer that
 * retried for a long time and is gone), it climbs one round per refusal, waiting a backoff each
 * time, and takes many retries to get anything chosen.
 * A retry should use a ballot above every ballot the proposer has been told of.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { PaxosApp, PaxosNode, PaxosRoles } from "../../../../grader/suites/04-consensus/interface.js";
import { Paxos, compareBallots, type Ballot } from "../../paxos.js";

export * from "../../index.js";

class IgnoresRefusal extends Paxos {
  protected override onNack(ballot: Ballot): void {
    if (this.phase === "idle" || compareBallots(ballot, this.ballot) !== 0) return;
    this.phase = "idle";
    this.failures++;
    this.retryAfter(this.backoff());
  }
}

export function createPaxosNode(ctx: NodeContext, roles: PaxosRoles, app: PaxosApp): PaxosNode {
  return new IgnoresRefusal(ctx, roles, app);
}
