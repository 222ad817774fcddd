/**
 * Classic mistake: the proposer adopts the accepted value of the first promise that reports one,
 * instead of the value accepted in the highest ballot. An older, never-chosen value can then
 * override the chosen one.
 */
import type { Json, NodeContext } from "../../../../grader/sim/api.js";
import type { PaxosApp, PaxosNode, PaxosRoles } from "../../../../grader/suites/04-consensus/interface.js";
import { Paxos } from "../../paxos.js";

export * from "../../index.js";

class FirstPromiseValue extends Paxos {
  protected override chooseValue(): Json {
    for (const a of this.promises.values()) if (a !== null) return a.value;
    return this.value as Json;
  }
}

export function createPaxosNode(ctx: NodeContext, roles: PaxosRoles, app: PaxosApp): PaxosNode {
  return new FirstPromiseValue(ctx, roles, app);
}
