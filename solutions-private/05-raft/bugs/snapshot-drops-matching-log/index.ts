/**
 * Classic mistake: a follower that installs a snapshot always throws its whole log away, even when
 * its entry at the snapshot's index has the snapshot's term, so the entries after it agree with the
 * leader's. Those entries may already have been acknowledged and counted by the leader: the
 * follower breaks its promise, and a leader that (rightly) never backs nextIndex below matchIndex + 1
 * keeps sending it AppendEntries it can no longer accept.
 * Correct: Figure 13, InstallSnapshot step 6: if an existing entry has the same index and term as
 * the snapshot's last included entry, keep the entries following it.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft, type Message } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override installFromLeader(m: Extract<Message, { type: "snapshot" }>): void {
    this.truncateAfter(this.snapIndex);
    this.compact(m.index, m.snapTerm, m.data, []);
    this.commitIndex = this.lastApplied = m.index;
    this.service.installSnapshot({ index: m.index, term: m.snapTerm, data: m.data });
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
