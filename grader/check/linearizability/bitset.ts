/**
 * A fixed-size set of small integers (operation ids) with an incremental hash: each id has a
 * pseudo-random 32-bit tag and the hash is the XOR of the tags of its members (Zobrist hashing),
 * so adding or removing a member updates the hash in constant time.
 */
export class Bitset {
  readonly words: Uint32Array;
  hash = 0;

  constructor(
    size: number,
    private readonly tags: Uint32Array,
  ) {
    this.words = new Uint32Array((size + 31) >>> 5);
  }

  has(i: number): boolean {
    return ((this.words[i >>> 5] as number) & (1 << (i & 31))) !== 0;
  }

  add(i: number): void {
    this.words[i >>> 5] = (this.words[i >>> 5] as number) | (1 << (i & 31));
    this.hash = (this.hash ^ (this.tags[i] as number)) >>> 0;
  }

  delete(i: number): void {
    this.words[i >>> 5] = (this.words[i >>> 5] as number) & ~(1 << (i & 31));
    this.hash = (this.hash ^ (this.tags[i] as number)) >>> 0;
  }

  /** A frozen copy of the members (for the memo table). */
  snapshot(): Uint32Array {
    return this.words.slice();
  }

  /** Whether the members equal the frozen copy `other`. */
  equals(other: Uint32Array): boolean {
    const w = this.words;
    for (let i = 0; i < w.length; i++) if (w[i] !== other[i]) return false;
    return true;
  }
}

/** Deterministic tags for ids 0..n-1 (a fixed-seed xorshift generator). */
export function bitsetTags(n: number): Uint32Array {
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
