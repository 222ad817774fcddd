/**
 * Lamport's happens-before relation, derived from what a run actually did: event a happens before
 * event b if a came earlier on the same node, or a is the send of a message whose receipt is b, or
 * by transitivity. The grader's ground truth for clocks; independent of any clock implementation.
 */
export interface CausalEvent {
  /** Index of this event in the list (events must be listed in an order where causes come first). */
  index: number;
  node: string;
  /** For a receive: the index of the matching send event. */
  sentBy?: number;
}

export class HappensBefore {
  private readonly words: number;
  private readonly past: Uint32Array[] = [];

  constructor(events: readonly CausalEvent[]) {
    this.words = Math.ceil(events.length / 32);
    const lastOn = new Map<string, number>();
    for (const e of events) {
      const set = new Uint32Array(this.words);
      const previous = lastOn.get(e.node);
      if (previous !== undefined) this.include(set, previous);
      if (e.sentBy !== undefined) {
        if (e.sentBy >= e.index) throw new Error(`happens-before: receive ${e.index} listed before its send ${e.sentBy}`);
        this.include(set, e.sentBy);
      }
      this.past.push(set);
      lastOn.set(e.node, e.index);
    }
  }

  /** True if event a happens before event b. */
  before(a: number, b: number): boolean {
    const set = this.past[b] as Uint32Array;
    return ((set[a >>> 5] as number) & (1 << (a & 31))) !== 0;
  }

  concurrent(a: number, b: number): boolean {
    return a !== b && !this.before(a, b) && !this.before(b, a);
  }

  /** Adds `e` and everything before it to `set`. */
  private include(set: Uint32Array, e: number): void {
    const pastOfE = this.past[e] as Uint32Array;
    for (let w = 0; w < this.words; w++) set[w] = (set[w] as number) | (pastOfE[w] as number);
    set[e >>> 5] = (set[e >>> 5] as number) | (1 << (e & 31));
  }
}
