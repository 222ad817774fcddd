/**
 * Classic mistake: the leader commits any index stored on a majority, including entries from
 * earlier terms. Figure 8 of the paper shows how such an entry can still be overwritten by a later
 * leader after it was "committed" and applied.
 * Correct: commit by counting replicas only entries of the leader's current term; earlier ones are
 * committed indirectly with them (§5.4.2).
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override mayCommit(): boolean {
    return true;
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
