/**
 * Classic mistake: a node that hears it is suspected does nothing about it. Every false suspicion
 * (one lost ping and one unlucky round of indirect probes) then ends with a live node declared dead.
 * Refute: bump your incarnation number and gossip "alive" with it, which overrides the suspicion.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { SwimNode } from "../../../../grader/suites/03-gossip/interface.js";
import { Swim } from "../../swim.js";

export * from "../../index.js";

class NeverRefutes extends Swim {
  protected override refute(): void {}
}

export function createSwimNode(ctx: NodeContext): SwimNode {
  return new NeverRefutes(ctx);
}
