/**
 * Classic mistake: gossip as a rumour that dies. A node stops sending its state once it has not
 * changed for a couple of seconds ("everyone must have it by now"). Within one connected group
 * that is true, but a partition that heals after the last update finds every node silent, and the
 * groups never learn each other's updates.
 * State-based CRDTs converge only if gossip never stops (it is cheap: one message per period).
 */
import type { NodeContext } from "../../../../grader/sim/api.js";
import type { CrdtNode } from "../../../../grader/suites/03-gossip/interface.js";
import { ReplicaNode } from "../../crdt-node.js";

export * from "../../index.js";

/** Gossip rounds without a change after which the node falls silent (2 s at one round per 200 ms). */
const QUIET_ROUNDS = 10;

class GossipStopsWhenQuiet extends ReplicaNode {
  private last = "";
  private quiet = 0;

  protected override gossip(): void {
    const now = JSON.stringify([this.counter.state(), this.balance.state(), this.set.state(), this.register.state()]);
    this.quiet = now === this.last ? this.quiet + 1 : 0;
    this.last = now;
    if (this.quiet < QUIET_ROUNDS) super.gossip();
  }
}

export function createCrdtNode(ctx: NodeContext): CrdtNode {
  return new GossipStopsWhenQuiet(ctx);
}
