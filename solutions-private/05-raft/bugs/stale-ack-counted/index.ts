/**
 * Classic mistake: a leader acts on every AppendEntries reply, without checking that it answers a
 * request of its current term. A success from an earlier term (the same node led before; the reply
 * was delayed) raises matchIndex to what the follower held back then, though a later leader may have
 * overwritten those entries since: the leader counts the follower for entries it does not have and
 * commits them on too few nodes.
 * Correct: drop replies whose term is not currentTerm (after stepping down on a higher one).
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft, type Message } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override handleAppendReply(from: NodeId, m: Extract<Message, { type: "append-reply" }>): void {
    if (this.role === "leader" && m.term < this.term) m = { ...m, term: this.term };
    super.handleAppendReply(from, m);
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
