/**
 * The search's memory, in flat typed arrays so it makes little garbage: which (linearized set,
 * state) configurations were already explored, and which model transitions were already computed.
 */
import type { Bitset } from "./bitset.js";

/**
 * The set of (linearized operations, state) configurations already explored: an open-addressing
 * hash table over flat typed arrays (no per-entry objects, so little garbage).
 */
export class ConfigurationSet {
  private slots: Int32Array;
  private mask: number;
  private hashes: Uint32Array;
  private states: Int32Array;
  private pool: Uint32Array;
  private count = 0;

  constructor(private readonly words: number) {
    this.slots = new Int32Array(1024).fill(-1);
    this.mask = 1023;
    this.hashes = new Uint32Array(512);
    this.states = new Int32Array(512);
    this.pool = new Uint32Array(512 * words);
  }

  /** Adds (bits, state) with the given hash; false if it was already present. */
  add(bits: Bitset, state: number, hash: number): boolean {
    const words = this.words;
    let slot = hash & this.mask;
    for (;;) {
      const e = this.slots[slot] as number;
      if (e === -1) break;
      if (this.hashes[e] === hash && this.states[e] === state) {
        const base = e * words;
        let same = true;
        for (let w = 0; w < words; w++) {
          if (this.pool[base + w] !== bits.words[w]) {
            same = false;
            break;
          }
        }
        if (same) return false;
      }
      slot = (slot + 1) & this.mask;
    }
    const e = this.count++;
    if (e >= this.hashes.length) this.growEntries();
    this.hashes[e] = hash;
    this.states[e] = state;
    this.pool.set(bits.words, e * words);
    this.slots[slot] = e;
    if (this.count * 2 > this.slots.length) this.rehash();
    return true;
  }

  private growEntries(): void {
    const cap = this.hashes.length * 2;
    const h = new Uint32Array(cap);
    h.set(this.hashes);
    this.hashes = h;
    const s = new Int32Array(cap);
    s.set(this.states);
    this.states = s;
    const p = new Uint32Array(cap * this.words);
    p.set(this.pool);
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
