/**
 * Classic mistake: sending is not treated as an event, so the message carries the clock's current
 * value without incrementing it. The send shares its timestamp with the event before it, and two sends
 * in a row carry the same timestamp although one happened before the other.
 * A correct clock ticks on send and puts the new value in the message.
 */
import { LamportClock as Reference } from "../../clocks.js";

export * from "../../index.js";

export class LamportClock extends Reference {
  override send(): number {
    return this.time;
  }
}
