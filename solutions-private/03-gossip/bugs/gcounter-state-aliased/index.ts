/**
 * Classic mistake: a G-Counter whose state() returns the map it keeps updating. A snapshot taken
 * for gossip (or kept as "what I last sent") changes under the holder's feet at the next increment.
 * In this simulator messages are copied when sent, but the rule holds for any in-process use:
 * state() returns a snapshot that later updates never change.
 */
import type { Json } from "../../../../grader/sim/api.js";
import { GCounter as Reference } from "../../crdts.js";

export * from "../../index.js";

export class GCounter extends Reference {
  override state(): Json {
    return this.counts;
  }
}
