/**
 * Classic mistake: stepping down to follower on a message of the current term (an AppendEntries
 * from that term's leader) clears votedFor, as if the term had changed. A node that voted for the
 * leader can then vote again in the same term, for a candidate whose RequestVote arrives late: two
 * leaders in one term.
 * Correct: votedFor is reset only when the term goes up.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override acceptLeader(): void {
    super.acceptLeader();
    this.vote = null;
    this.saveMeta();
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
