/**
 * Classic mistake: snapshot() is accepted but the log is never trimmed (the node keeps every entry
 * "just in case"). Nothing breaks, but memory and storage grow without bound, and restarting means
 * replaying the whole history.
 * Correct: discard the log through the snapshot's index, keeping that index and its term.
 */
import type { Json, NodeContext } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  override snapshot(index: number, data: Json): void {
    void index;
    void data;
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
