/**
 * Classic mistake: a node grants every up-to-date candidate that asks in its current term, without
 * looking at votedFor. Two candidates of one term can then both win a majority: two leaders in one
 * term.
 * Correct: Figure 2, RequestVote receiver step 2: grant only if votedFor is null or candidateId.
 */
import type { NodeContext, NodeId } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft, type Message } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override handleVote(from: NodeId, m: Extract<Message, { type: "vote" }>): void {
    const granted = m.term === this.term && this.upToDate(m.lastIndex, m.lastTerm);
    if (granted) {
      this.vote = from;
      this.saveMeta();
      this.resetElectionTimer();
    }
    this.send(from, { type: "vote-reply", term: this.term, granted });
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
