/**
 * Classic mistake: the leader's majority is off by one (integer division, n/2 copies rather than
 * more than n/2): in five nodes two copies commit an entry, in three nodes the leader's own. A later
 * leader elected by the others never saw the entry.
 * Correct: Figure 2, rules for leaders: commit N once a majority (more than half) of matchIndex[i] >= N.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override advanceCommit(): void {
    const matches = [this.lastIndex(), ...[...this.progress.values()].map((p) => p.match)].sort((a, b) => b - a);
    const n = matches[Math.floor(matches.length / 2) - 1] as number;
    if (n > this.commitIndex && this.mayCommit(n)) {
      this.commitIndex = n;
      this.applyCommitted();
    }
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
