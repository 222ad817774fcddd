/**
 * Classic mistake: a candidate votes for itself (votedFor) but does not count that vote: it needs a
 * majority of the others. In three nodes with one cut off, no candidate can ever win.
 * Correct: Figure 2, rules for candidates: vote for self; a majority of the whole cluster, own vote
 * included, wins.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override campaign(): void {
    super.campaign();
    this.votes.delete(this.ctx.id);
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
