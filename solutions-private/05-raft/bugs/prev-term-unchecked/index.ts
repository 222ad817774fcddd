/**
 * Classic mistake: the AppendEntries consistency check looks only at whether the follower has an
 * entry at prevLogIndex, not at its term. A follower with a stale entry there accepts entries after
 * it, and its log no longer matches the leader's (Log Matching is lost).
 * Correct: Figure 2, AppendEntries receiver step 2: reply false unless the entry at prevLogIndex
 * has term prevLogTerm.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft, type Message } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override handleAppend(from: NodeId, m: Extract<Message, { type: "append" }>): void {
    const have = this.termAt(m.prevIndex);
    super.handleAppend(from, have !== undefined ? { ...m, prevTerm: have } : m);
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
