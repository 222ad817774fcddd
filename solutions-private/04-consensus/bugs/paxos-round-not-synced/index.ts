/**
 * Classic mistake: the proposer writes its new round to storage but does not sync it before it
 * sends prepares with it. A crash loses the write, so the restarted proposer reuses the ballot,
 * possibly for another value.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { PaxosApp, PaxosNode, PaxosRoles } from "../../../../grader/suites/04-consensus/interface.js";
import { PHASE_TIMEOUT_MS, Paxos } from "../../paxos.js";

export * from "../../index.js";

class RoundNotSynced extends Paxos {
  protected override startRound(): void {
    if (this.value === undefined) return;
    this.round++;
    this.ctx.storage.set("round", this.round);
    this.ballot = this.makeBallot(this.round);
    this.phase = "preparing";
    this.promises = new Map();
    for (const a of this.roles.acceptors) this.send(a, { type: "prepare", ballot: this.ballot });
    this.retryAfter(PHASE_TIMEOUT_MS);
  }
}

export function createPaxosNode(ctx: NodeContext, roles: PaxosRoles, app: PaxosApp): PaxosNode {
  return new RoundNotSynced(ctx, roles, app);
}
