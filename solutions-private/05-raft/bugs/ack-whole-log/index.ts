/**
 * Classic mistake: a follower that accepts an AppendEntries acknowledges its whole log (its last
 * index), not what the request carried. A node that rejoins holding uncommitted entries of an old
 * term after the point where it matches the leader then claims to hold entries it does not: the
 * leader counts it for them, commits them on too few nodes, and never sends it the real ones.
 * Correct: acknowledge prevLogIndex + the number of entries in the request (Figure 2: the leader's
 * matchIndex is what it knows the follower stores).
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override acknowledge(to: NodeId): void {
    super.acknowledge(to, this.lastIndex());
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
