/**
 * Classic mistake: currentTerm and votedFor live only in memory. A node that crashes right after
 * voting comes back in an older term with no vote, and can vote again in a term it already voted
 * in, or accept a leader it had already rejected.
 * Correct: write them to stable storage and sync before replying (Figure 2, "Persistent state").
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override saveMeta(): void {}
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
