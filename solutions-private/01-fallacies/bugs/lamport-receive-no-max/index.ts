/**
 * Classic mistake: on receive, the Lamport clock jumps to the message's timestamp + 1 and forgets its
 * own time. A message from a node whose clock is behind moves the receiver's clock backwards, so a
 * later event can get a smaller timestamp than an earlier one on the same node.
 * A correct clock takes max(own time, remote) + 1: the receive comes after both.
 */
import { LamportClock as Reference } from "../../clocks.js";

export * from "../../index.js";

export class LamportClock extends Reference {
  protected override merge(remote: number): number {
    return remote;
  }
}
