/**
 * Classic mistake: a replica sends its state only when it is updated, to one peer. A message lost to
 * a partition or to loss is never made up for, and replicas that stop being updated stop talking, so
 * they never converge after the partition heals. Gossip periodically, whether or not anything changed.
 */
import type { Json, NodeContext } from "../../../../grader/sim/api.js";
import type { CrdtNode, CrdtUpdate } from "../../../../grader/suites/03-gossip/interface.js";
import { ReplicaNode } from "../../crdt-node.js";

export * from "../../index.js";

class OnUpdateOnly extends ReplicaNode {
  override onStart(): void {}

  override update(op: CrdtUpdate): void {
    super.update(op);
    this.gossip();
  }

  override onTimer(_payload?: Json): void {}
}

export function createCrdtNode(ctx: NodeContext): CrdtNode {
  return new OnUpdateOnly(ctx);
}
