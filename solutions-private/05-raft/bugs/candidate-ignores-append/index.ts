/**
 * Classic mistake: a candidate that receives AppendEntries from a leader of its own term keeps
 * campaigning instead of becoming a follower. Its election times out, it starts another in a newer
 * term, and deposes the leader that had just been elected.
 * Correct: Figure 2, rules for candidates: if AppendEntries is received from the new leader, convert
 * to follower.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override acceptLeader(): void {
    if (this.role === "candidate") return;
    super.acceptLeader();
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
