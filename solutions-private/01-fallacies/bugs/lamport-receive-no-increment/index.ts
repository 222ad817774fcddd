/**
 * Classic mistake: on receive, the Lamport clock takes max(own time, remote) but does not count the
 * receive as an event. The receive then carries the same timestamp as the send that caused it (or as
 * this node's previous event), so happens-before no longer implies a strictly smaller timestamp.
 * A correct clock sets its time to max(own time, remote) + 1.
 */
import { LamportClock as Reference } from "../../clocks.js";

export * from "../../index.js";

export class LamportClock extends Reference {
  override receive(remote: number): number {
    this.time = this.merge(remote);
    return this.time;
  }
}
