/**
 * Classic mistake: no dissemination. Each node learns of a crash only by probing the crashed node
 * itself (and a suspect still hears of its own suspicion), but nothing it learns is passed on. With
 * N members probed round-robin, a node probes a given member only every N protocol periods, so news
 * that one node has would take everyone else up to N periods plus the suspicion timeout to find out
 * alone; and refutations never spread beyond the suspect. Piggyback updates on every message.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { SwimNode } from "../../../../grader/suites/03-gossip/interface.js";
import { Swim, type Update } from "../../swim.js";

export * from "../../index.js";

class KeepsNewsToItself extends Swim {
  protected override enqueue(_u: Update): void {}
}

export function createSwimNode(ctx: NodeContext): SwimNode {
  return new KeepsNewsToItself(ctx);
}
