/**
 * Classic mistake: a follower truncates its log after prevLogIndex on every AppendEntries, even when
 * the entries it holds there match. A delayed or duplicated older AppendEntries then deletes entries
 * the follower had already acknowledged, and which the leader may have counted to commit.
 * Correct: delete only from the first conflicting entry (Figure 2, AppendEntries step 3).
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft, type Entry } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override appendEntries(prevIndex: number, entries: readonly Entry[]): void {
    this.truncateAfter(prevIndex);
    this.log = [...this.log, ...entries];
    this.saveEntries(prevIndex + 1);
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
