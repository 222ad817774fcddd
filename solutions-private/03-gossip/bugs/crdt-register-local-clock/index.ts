/**
 * Classic mistake: register writes timestamped with a counter of the node's own writes instead of
 * the clock. The node that wrote most often wins, not the one that wrote last. The handout asks for
 * ctx.now(): in this simulation every node reads the same virtual clock.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { CrdtNode, CrdtUpdate } from "../../../../grader/suites/03-gossip/interface.js";
import { ReplicaNode } from "../../crdt-node.js";

export * from "../../index.js";

class LocalClock extends ReplicaNode {
  private writes = 0;

  override update(op: CrdtUpdate): void {
    if (op.type === "register") this.register.set(op.value, ++this.writes);
    else super.update(op);
  }
}

export function createCrdtNode(ctx: NodeContext): CrdtNode {
  return new LocalClock(ctx);
}
