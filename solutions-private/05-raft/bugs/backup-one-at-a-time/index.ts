/**
 * Classic mistake: on a rejected AppendEntries the leader decrements nextIndex by one and tries
 * again, ignoring what the follower said about its log. Correct, but a follower that is hundreds of
 * entries behind (after a long partition) needs hundreds of round trips before it gets a single new
 * entry.
 * Correct: back up a whole term per rejection, or straight to the end of a shorter log, using the
 * conflicting term and the first index the follower holds for it (§5.3, "the protocol can be
 * optimized").
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft, type Message } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override handleAppendReply(from: NodeId, m: Extract<Message, { type: "append-reply" }>): void {
    const p = this.progress.get(from);
    if (m.success || this.role !== "leader" || m.term !== this.term || p === undefined) return super.handleAppendReply(from, m);
    p.next = Math.max(p.match + 1, Math.min(p.next - 1, this.lastIndex() + 1));
    p.probing = true;
    this.sendAppend(from);
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
