/**
 * Classic mistake: the proposer keeps its round in storage but does not load it when it restarts,
 * so a restarted proposer starts again from round 1 and reuses a ballot it used before the crash.
 * If it now proposes another value, acceptors that never saw the old accept request accept the new
 * value in the same ballot, while others hold the old one: one ballot, two values.
 * A restarted proposer must use ballots above every one it used before.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { PaxosApp, PaxosNode, PaxosRoles } from "../../../../grader/suites/04-consensus/interface.js";
import { Paxos, type Accepted, type Ballot } from "../../paxos.js";

export * from "../../index.js";

class ForgetsRound extends Paxos {
  override onStart(): void {
    this.promised = (this.ctx.storage.get("promised") as Ballot | undefined) ?? null;
    this.accepted = (this.ctx.storage.get("accepted") as Accepted | undefined) ?? null;
  }
}

export function createPaxosNode(ctx: NodeContext, roles: PaxosRoles, app: PaxosApp): PaxosNode {
  return new ForgetsRound(ctx, roles, app);
}
