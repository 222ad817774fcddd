/**
 * Classic mistake: the election restriction compares log lengths only. A candidate with a long log
 * of stale entries from an old term beats a voter holding a newer, committed entry, and the new
 * leader overwrites committed entries.
 * Correct: compare the last entries' terms first; only if they are equal, the lengths (§5.4.1).
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override upToDate(lastIndex: number): boolean {
    return lastIndex >= this.lastIndex();
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
