/**
 * Classic mistake: a follower installs every InstallSnapshot it receives, even one that is older
 * than what it has already applied (a delayed or duplicated request), and throws away its whole log,
 * including a newer suffix that agrees with the snapshot. Its service goes back in time, and it
 * forgets entries it had acknowledged.
 * Correct (Figure 13): ignore a snapshot not newer than the commit index; keep the log after the
 * snapshot's index if the entry there matches.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft, type Message } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override handleSnapshot(from: string, m: Extract<Message, { type: "snapshot" }>): void {
    if (m.term >= this.term) {
      this.acceptLeader();
      this.truncateAfter(this.snapIndex);
      this.compact(m.index, m.snapTerm, m.data, []);
      this.commitIndex = this.lastApplied = m.index;
      this.service.installSnapshot({ index: m.index, term: m.snapTerm, data: m.data });
    }
    super.handleSnapshot(from, m);
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
