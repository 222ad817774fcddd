/**
 * Classic mistake: the proposer always proposes its own value, ignoring the values acceptors report
 * as already accepted in their promises. If a value was already chosen, a later ballot then chooses
 * a different one.
 * A correct proposer proposes the value accepted in the highest ballot among its promises.
 */
import type { Json, NodeContext } from "../../../../grader/sim/api.js";
import type { PaxosApp, PaxosNode, PaxosRoles } from "../../../../grader/suites/04-consensus/interface.js";
import { Paxos } from "../../paxos.js";

export * from "../../index.js";

class IgnoresPromisedValues extends Paxos {
  protected override chooseValue(): Json {
    return this.value as Json;
  }
}

export function createPaxosNode(ctx: NodeContext, roles: PaxosRoles, app: PaxosApp): PaxosNode {
  return new IgnoresPromisedValues(ctx, roles, app);
}
