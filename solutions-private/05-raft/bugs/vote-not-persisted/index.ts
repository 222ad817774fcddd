/**
 * Classic mistake: the new term is persisted, but the vote is only remembered in memory: the node
 * grants it and replies before votedFor is written and synced. A voter that crashes right after
 * granting comes back in the same term with no vote, and grants it again to a second candidate of
 * that term: two leaders in one term.
 * Correct: Figure 2, persistent state: votedFor is on stable storage before the reply is sent.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft, type Message } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override handleVote(from: NodeId, m: Extract<Message, { type: "vote" }>): void {
    const granted = m.term === this.term && (this.vote === null || this.vote === from) && this.upToDate(m.lastIndex, m.lastTerm);
    if (granted) {
      this.vote = from;
      this.resetElectionTimer();
    }
    this.send(from, { type: "vote-reply", term: this.term, granted });
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
