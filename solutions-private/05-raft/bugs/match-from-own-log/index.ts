/**
 * Classic mistake: on a successful AppendEntries reply, the leader sets the follower's matchIndex to
 * its own last index, not to what the request that is being answered carried. Entries appended after
 * that request was sent are counted as replicated, and committed on too few nodes.
 * Correct: matchIndex = prevLogIndex + entries.length of the request the reply answers.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override matchFromReply(): number {
    return this.lastIndex();
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
