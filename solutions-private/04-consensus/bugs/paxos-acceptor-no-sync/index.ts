/**
 * Classic mistake: the acceptor writes its promise and acceptance to storage but never syncs before
 * replying. After a crash and restart it has forgotten what it promised and accepted, and helps a
 * lower ballot choose a different value.
 */
import type { Json, NodeContext } from "../../../../grader/sim/api.js";
import type { PaxosApp, PaxosNode, PaxosRoles } from "../../../../grader/suites/04-consensus/interface.js";
import { Paxos } from "../../paxos.js";

export * from "../../index.js";

class NoSync extends Paxos {
  protected override persist(): void {
    this.ctx.storage.set("promised", this.promised as Json);
    this.ctx.storage.set("accepted", this.accepted as Json);
  }
}

export function createPaxosNode(ctx: NodeContext, roles: PaxosRoles, app: PaxosApp): PaxosNode {
  return new NoSync(ctx, roles, app);
}
