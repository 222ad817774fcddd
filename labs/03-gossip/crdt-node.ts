/**
 * Lab 3 Part B: a node holding one replica of each of your CRDTs (crdts.ts).
 *
 * The application calls `update(op)` and `read()`. Your node must gossip its state so that once the
 * network heals, every node reads the same, and nothing any node did is lost. Messages are lost,
 * duplicated and reordered, and partitions come and go; merges that are idempotent and commutative
 * make all of that harmless, as long as gossip never stops.
 */
import type { Json, NodeContext, NodeId } from "../../grader/sim/api.js";
import type { CrdtNode, CrdtReadout, CrdtUpdate } from "../../grader/suites/03-gossip/interface.js";

export class ReplicaNode implements CrdtNode {
  // TODO: one replica of each CRDT, named after this node (ctx.id).

  constructor(protected readonly ctx: NodeContext) {}

  onStart(): void {
    // TODO: start gossiping.
    throw new Error("not implemented: ReplicaNode.onStart in labs/03-gossip/crdt-node.ts");
  }

  update(op: CrdtUpdate): void {
    // TODO: apply to the right replica. Register writes are timestamped with ctx.now().
    throw new Error("not implemented: ReplicaNode.update in labs/03-gossip/crdt-node.ts");
  }

  read(): CrdtReadout {
    throw new Error("not implemented: ReplicaNode.read in labs/03-gossip/crdt-node.ts");
  }

  onMessage(from: NodeId, msg: Json): void {
    // TODO: merge what a peer sent.
    throw new Error("not implemented: ReplicaNode.onMessage in labs/03-gossip/crdt-node.ts");
  }

  onTimer(payload: Json): void {
    // TODO: send your state to someone, and keep doing so.
    throw new Error("not implemented: ReplicaNode.onTimer in labs/03-gossip/crdt-node.ts");
  }
}

export function createCrdtNode(ctx: NodeContext): CrdtNode {
  return new ReplicaNode(ctx);
}
