/**
 * Lab 3 Part C: a SWIM failure detector (Das, Gupta and Motivala 2002).
 *
 * Every node starts knowing every other (`ctx.peers`) as alive. `members()` returns this node's view.
 * Crashed nodes must be declared dead by every live node within the bound the handout states; live
 * nodes must never be declared dead, and with 10% loss only rarely suspected. Membership news must
 * travel piggybacked on your pings and acks, not in messages of its own.
 *
 * The protocol, each protocol period (a few hundred milliseconds):
 * - Ping one member (round-robin over a shuffled list). No ack in time? Ask k others to ping it for
 *   you (ping-req) and relay the ack. Still nothing by the end of the period: suspect it.
 * - A suspect that does not refute within a timeout is dead. A node that hears it is suspected
 *   refutes by bumping its incarnation number and spreading "alive" with it.
 * - Which update overrides which: dead beats everything; suspect beats alive of the same or a lower
 *   incarnation; alive beats suspect only with a higher incarnation.
 */
import type { Json, NodeContext, NodeId } from "../../grader/sim/api.js";
import type { MemberStatus, SwimNode } from "../../grader/suites/03-gossip/interface.js";

export class Swim implements SwimNode {
  // TODO: the membership view (status and incarnation per member), your own incarnation, the probe
  // in progress, pings you relay for others, and the updates waiting to be piggybacked.

  constructor(protected readonly ctx: NodeContext) {}

  members(): Record<NodeId, MemberStatus> {
    throw new Error("not implemented: Swim.members in labs/03-gossip/swim.ts");
  }

  onStart(): void {
    // TODO: start the protocol period timer.
    throw new Error("not implemented: Swim.onStart in labs/03-gossip/swim.ts");
  }

  onMessage(from: NodeId, msg: Json): void {
    // TODO: apply piggybacked updates, then handle ping, ping-req and ack.
    throw new Error("not implemented: Swim.onMessage in labs/03-gossip/swim.ts");
  }

  onTimer(payload: Json): void {
    // TODO: period ends (judge the last probe, start the next), ping timeouts, suspicion timeouts.
    throw new Error("not implemented: Swim.onTimer in labs/03-gossip/swim.ts");
  }
}

export function createSwimNode(ctx: NodeContext): SwimNode {
  return new Swim(ctx);
}
