/**
 * Classic mistake: suspecting a member as soon as one direct ping goes unanswered. With 10% loss a
 * ping or its ack is lost about one time in five, so live members are suspected all the time. SWIM
 * asks k other members to ping the target too (ping-req) before suspecting it.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { SwimNode } from "../../../../grader/suites/03-gossip/interface.js";
import { Swim } from "../../swim.js";

export * from "../../index.js";

class DirectOnly extends Swim {
  protected override probeIndirectly(): void {}
}

export function createSwimNode(ctx: NodeContext): SwimNode {
  return new DirectOnly(ctx);
}
