/**
 * Classic mistake: AppendEntries carries only a few entries at a time (here 4), as if every message
 * had to stay tiny. Correct, with fast back-up and all, but a follower hundreds of entries behind
 * needs a round trip per handful of entries to catch up.
 * Correct: the handout's batching rule, at least 50 entries per AppendEntries to a follower that is
 * behind (all that remain, if fewer).
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override maxBatch(): number {
    return 4;
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
