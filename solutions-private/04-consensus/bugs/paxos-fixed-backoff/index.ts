/**
 * Classic mistake: a pre-empted proposer waits a fixed time before it retries (the same on every
 * node, every time). Proposers that collided once collide again after the same pause: the backoff
 * only shifts the duel in time. A correct backoff is random (and grows), so the proposers drift apart.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { PaxosApp, PaxosNode, PaxosRoles } from "../../../../grader/suites/04-consensus/interface.js";
import { BACKOFF_MS, Paxos } from "../../paxos.js";

export * from "../../index.js";

class FixedBackoff extends Paxos {
  protected override backoff(): number {
    return BACKOFF_MS;
  }
}

export function createPaxosNode(ctx: NodeContext, roles: PaxosRoles, app: PaxosApp): PaxosNode {
  return new FixedBackoff(ctx, roles, app);
}
