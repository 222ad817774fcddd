/**
 * Classic mistake: the proposer retries after a refusal but not after a timeout ("no answer means
 * someone else is handling it"). When its messages or the answers are lost, nothing ever refuses
 * it, and it waits forever.
 * A proposer retries, with a higher ballot, after a refusal or a timeout, until it learns the outcome.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { PaxosApp, PaxosNode, PaxosRoles } from "../../../../grader/suites/04-consensus/interface.js";
import { Paxos } from "../../paxos.js";

export * from "../../index.js";

class NoRetryOnTimeout extends Paxos {
  override onTimer(): void {
    this.timer = null;
    // Only a retry scheduled by a refusal (the phase is then idle) goes ahead; a phase that timed out is abandoned.
    if (this.decided === undefined && this.phase === "idle") this.startRound();
  }
}

export function createPaxosNode(ctx: NodeContext, roles: PaxosRoles, app: PaxosApp): PaxosNode {
  return new NoRetryOnTimeout(ctx, roles, app);
}
