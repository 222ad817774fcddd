/**
 * Classic mistake: an OR-Set rebuilt from its own state starts its tag counter again at zero. Its
 * next add reuses a tag ("r1:1") that it issued before the snapshot; if an earlier remove cancelled
 * that tag, the new add is cancelled before it is made, and the re-added element stays invisible.
 * A rebuilt replica must carry on from the largest sequence number it finds under its own name.
 */
import type { Json, NodeId } from "../../../../grader/sim/api.js";
import { ORSet as Reference } from "../../crdts.js";

export * from "../../index.js";

export class ORSet extends Reference {
  constructor(replica: NodeId, state?: Json) {
    super(replica, state);
    this.sequence = 0;
  }
}
