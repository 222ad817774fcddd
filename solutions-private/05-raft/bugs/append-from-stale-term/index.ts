/**
 * Classic mistake: a follower accepts AppendEntries from a leader of an older term (it skips
 * Figure 2's first check). A deposed leader that rejoins keeps replicating its stale entries into
 * followers of the new term, overwriting entries the new leader committed.
 * Correct: Figure 2, AppendEntries receiver step 1: reply false if term < currentTerm.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft, type Message } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override handleAppend(from: NodeId, m: Extract<Message, { type: "append" }>): void {
    super.handleAppend(from, m.term < this.term ? { ...m, term: this.term } : m);
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
