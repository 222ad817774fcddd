/**
 * The search's memory, in flat typed arrays so it makes little garbage: which configurations
 * (set of linearized operations, model state) were already explored, and which model transitions
 * were already computed.
 *
 * A configuration's set of linearized operations is not stored as a bitset over the whole
 * history (that costs n/32 words per entry, so memory and comparisons grow with the square of the
 * history's length). The search's list of remaining entries determines it: every operation whose
 * call comes before the first remaining return entry is linearized except the calls still in the
 * list before that return, and no later operation is. So the key is that short run of the list:
 * the pending calls before the first return, then the return itself. Its length is the number of
 * operations open at that point, not the length of the history.
 */

/** Pseudo-random 32-bit tags for ids 0..n-1 (a fixed-seed xorshift generator), for Zobrist hashing. */
export function zobristTags(n: number): Uint32Array {
  const tags = new Uint32Array(n);
  let x = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    tags[i] = x >>> 0;
  }
  return tags;
}

/**
 * The set of configurations already explored: an open-addressing hash table whose entries are
 * (hash, state, key) with the keys packed into one growable pool.
 */
export class ConfigurationSet {
  private slots = new Int32Array(1024).fill(-1);
  private mask = 1023;
  private hashes = new Uint32Array(512);
  private states = new Int32Array(512);
  private starts = new Int32Array(512);
  private lengths = new Int32Array(512);
  private pool = new Int32Array(4096);
  private poolUsed = 0;
  private count = 0;

  /** Adds (state, key[0..length)) with the given hash; false if it was already present. */
  add(hash: number, state: number, key: Int32Array, length: number): boolean {
    let slot = hash & this.mask;
    for (;;) {
      const e = this.slots[slot] as number;
      if (e === -1) break;
      if (this.hashes[e] === hash && this.states[e] === state && this.lengths[e] === length && this.sameKey(this.starts[e] as number, key, length)) return false;
      slot = (slot + 1) & this.mask;
    }
    const e = this.count++;
    if (e >= this.hashes.length) this.growEntries();
    if (this.poolUsed + length > this.pool.length) this.growPool(length);
    this.hashes[e] = hash;
    this.states[e] = state;
    this.starts[e] = this.poolUsed;
    this.lengths[e] = length;
    this.pool.set(key.subarray(0, length), this.poolUsed);
    this.poolUsed += length;
    this.slots[slot] = e;
    if (this.count * 2 > this.slots.length) this.rehash();
    return true;
  }

  private sameKey(start: number, key: Int32Array, length: number): boolean {
    const pool = this.pool;
    for (let i = 0; i < length; i++) if (pool[start + i] !== key[i]) return false;
    return true;
  }

  private growEntries(): void {
    const cap = this.hashes.length * 2;
    const grow = <T extends Uint32Array | Int32Array>(old: T, fresh: T): T => {
      fresh.set(old);
      return fresh;
    };
    this.hashes = grow(this.hashes, new Uint32Array(cap));
    this.states = grow(this.states, new Int32Array(cap));
    this.starts = grow(this.starts, new Int32Array(cap));
    this.lengths = grow(this.lengths, new Int32Array(cap));
  }

  private growPool(atLeast: number): void {
    const p = new Int32Array(Math.max(this.pool.length * 2, this.poolUsed + atLeast));
    p.set(this.pool.subarray(0, this.poolUsed));
    this.pool = p;
  }

  private rehash(): void {
    const size = this.slots.length * 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    for (let e = 0; e < this.count; e++) {
      let slot = (this.hashes[e] as number) & this.mask;
      while (this.slots[slot] !== -1) slot = (slot + 1) & this.mask;
      this.slots[slot] = e;
    }
  }
}
/** A cache of model transitions (state, operation) -> next state (-1: illegal, -2: unknown yet). */
export class TransitionCache {
  private keysState: Int32Array;
  private keysOp: Int32Array;
  private values: Int32Array;
  private mask: number;
  private count = 0;

  constructor() {
    this.keysState = new Int32Array(1024).fill(-1);
    this.keysOp = new Int32Array(1024);
    this.values = new Int32Array(1024);
    this.mask = 1023;
  }

  get(state: number, op: number): number {
    let slot = (Math.imul(state, 0x9e3779b1) ^ Math.imul(op, 0x85ebca6b)) & this.mask;
    for (;;) {
      const s = this.keysState[slot] as number;
      if (s === -1) return -2;
      if (s === state && this.keysOp[slot] === op) return this.values[slot] as number;
      slot = (slot + 1) & this.mask;
    }
  }

  set(state: number, op: number, to: number): void {
    if ((this.count + 1) * 2 > this.keysState.length) this.grow();
    let slot = (Math.imul(state, 0x9e3779b1) ^ Math.imul(op, 0x85ebca6b)) & this.mask;
    while (this.keysState[slot] !== -1) slot = (slot + 1) & this.mask;
    this.keysState[slot] = state;
    this.keysOp[slot] = op;
    this.values[slot] = to;
    this.count++;
  }

  private grow(): void {
    const oldS = this.keysState;
    const oldO = this.keysOp;
    const oldV = this.values;
    const size = oldS.length * 2;
    this.keysState = new Int32Array(size).fill(-1);
    this.keysOp = new Int32Array(size);
    this.values = new Int32Array(size);
    this.mask = size - 1;
    this.count = 0;
    for (let i = 0; i < oldS.length; i++) if (oldS[i] !== -1) this.set(oldS[i] as number, oldO[i] as number, oldV[i] as number);
  }
}
