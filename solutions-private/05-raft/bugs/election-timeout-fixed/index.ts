/**
 * Classic mistake: every node uses the same election timeout. Nodes that start together time out
 * together, all become candidates, vote for themselves, and split the vote, again and again.
 * Correct: draw each election timeout at random from a range (e.g. 300-600 ms) every time it is set.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override electionTimeoutMs(): number {
    return 400;
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
