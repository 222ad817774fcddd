/**
 * Classic mistake: the acceptor syncs everything, but when it restarts it loads only its promise,
 * not the value it accepted. Its next promise then reports nothing accepted, and the proposer that
 * hears it can get another value chosen.
 * A restarted acceptor must load everything it synced: its promise and its acceptance.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { PaxosApp, PaxosNode, PaxosRoles } from "../../../../grader/suites/04-consensus/interface.js";
import { Paxos, type Ballot } from "../../paxos.js";

export * from "../../index.js";

class ForgetsAccepted extends Paxos {
  override onStart(): void {
    this.promised = (this.ctx.storage.get("promised") as Ballot | undefined) ?? null;
    this.round = (this.ctx.storage.get("round") as number | undefined) ?? 0;
  }
}

export function createPaxosNode(ctx: NodeContext, roles: PaxosRoles, app: PaxosApp): PaxosNode {
  return new ForgetsAccepted(ctx, roles, app);
}
