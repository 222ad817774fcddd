/**
 * Classic mistake: the election restriction compares only the last entries' terms: a candidate whose
 * last term equals the voter's wins even with a shorter log, and the new leader overwrites committed
 * entries it lacks.
 * Correct: §5.4.1, equal last terms: the longer log is more up to date.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override upToDate(_lastIndex: number, lastTerm: number): boolean {
    return lastTerm >= this.lastTerm();
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
