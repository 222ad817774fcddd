/**
 * Classic mistake: a pre-empted proposer retries at once with a higher ballot, with no backoff. Two
 * or more proposers that start together then keep pre-empting each other: each new prepare arrives
 * while the other's accepts are on their way, and no value is chosen even on a timely network.
 * A correct proposer waits a random, growing backoff before it retries.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { PaxosApp, PaxosNode, PaxosRoles } from "../../../../grader/suites/04-consensus/interface.js";
import { Paxos } from "../../paxos.js";

export * from "../../index.js";

class NoBackoff extends Paxos {
  protected override backoff(): number {
    return 0;
  }
}

export function createPaxosNode(ctx: NodeContext, roles: PaxosRoles, app: PaxosApp): PaxosNode {
  return new NoBackoff(ctx, roles, app);
}
