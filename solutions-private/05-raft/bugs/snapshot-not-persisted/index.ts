/**
 * Classic mistake: when the service hands over a snapshot, the node discards the log up to it in
 * memory and on disk, but keeps the snapshot itself only in memory. After a crash, the compacted
 * prefix of the log is gone for good.
 * Correct: persist the snapshot (with its index and term) together with the trimmed log.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft, type Entry } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override compact(index: number, term: number, data: Parameters<Raft["compact"]>[2], rest: readonly Entry[]): void {
    super.compact(index, term, data, rest);
    this.ctx.storage.delete("snap");
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
