/**
 * Classic mistake: the leader sends heartbeats every 10 ms. Raft stays correct, but the cluster
 * floods the network while idle; the lab (like MIT's) bounds heartbeats at about 10 per second.
 * Correct: a heartbeat interval well under the election timeout, but not much under 100 ms.
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { RaftNode, RaftService } from "../../../../grader/suites/05-raft/interface.js";
import { Raft } from "../../raft.js";

export * from "../../index.js";

class Bug extends Raft {
  protected override heartbeatMs(): number {
    return 10;
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Bug(ctx, service);
}
