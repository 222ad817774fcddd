/**
 * Reference solution, Lab 3 Part B: four state-based CRDTs (Shapiro et al. 2011). Each state is a
 * join semilattice; `merge` is its least upper bound, hence commutative, associative and idempotent.
 */
import type { Json, NodeId } from "../../grader/sim/api.js";
import type { GCounter as IGCounter, LWWRegister as ILWWRegister, ORSet as IORSet, PNCounter as IPNCounter } from "../../grader/suites/03-gossip/interface.js";

type Counts = Record<NodeId, number>;

/** One entry per replica, each only ever incremented by its owner; merge takes the maximum of each. */
export class GCounter implements IGCounter {
  protected counts: Counts;

  constructor(
    protected readonly replica: NodeId,
    state?: Json,
  ) {
    this.counts = { ...((state ?? {}) as Counts) };
  }

  increment(by = 1): void {
    this.counts[this.replica] = (this.counts[this.replica] ?? 0) + by;
  }

  state(): Json {
    return { ...this.counts };
  }

  merge(remote: Json): void {
    for (const [r, n] of Object.entries(remote as Counts)) this.counts[r] = Math.max(this.counts[r] ?? 0, n);
  }

  value(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }
}

/** Two G-Counters: one for increments, one for decrements. */
export class PNCounter implements IPNCounter {
  protected readonly p: GCounter;
  protected readonly n: GCounter;

  constructor(replica: NodeId, state?: Json) {
    const s = (state ?? {}) as { p?: Json; n?: Json };
    this.p = new GCounter(replica, s.p);
    this.n = new GCounter(replica, s.n);
  }

  increment(by = 1): void {
    this.p.increment(by);
  }

  decrement(by = 1): void {
    this.n.increment(by);
  }

  state(): Json {
    return { p: this.p.state(), n: this.n.state() };
  }

  merge(remote: Json): void {
    const r = remote as { p: Json; n: Json };
    this.p.merge(r.p);
    this.n.merge(r.n);
  }

  value(): number {
    return this.p.value() - this.n.value();
  }
}

type Tags = Record<string, string[]>;
interface ORSetState {
  adds: Tags;
  removes: Tags;
}

/**
 * Each add gets a unique tag (replica:sequence). A remove tombstones the tags it has seen, so an add
 * it has not seen (concurrent, or later) survives: add wins.
 */
export class ORSet implements IORSet {
  protected adds = new Map<string, Set<string>>();
  protected removes = new Map<string, Set<string>>();
  protected sequence = 0;

  constructor(
    protected readonly replica: NodeId,
    state?: Json,
  ) {
    if (state !== undefined) this.merge(state);
    for (const tags of [...this.adds.values(), ...this.removes.values()]) {
      for (const tag of tags) {
        const [who, n] = splitTag(tag);
        if (who === replica) this.sequence = Math.max(this.sequence, n);
      }
    }
  }

  add(element: string): void {
    tagsOf(this.adds, element).add(`${this.replica}:${++this.sequence}`);
  }

  remove(element: string): void {
    const seen = this.adds.get(element);
    if (seen === undefined) return;
    const removed = tagsOf(this.removes, element);
    for (const tag of seen) removed.add(tag);
  }

  has(element: string): boolean {
    const removed = this.removes.get(element);
    for (const tag of this.adds.get(element) ?? []) if (!removed?.has(tag)) return true;
    return false;
  }

  state(): Json {
    const dump = (m: Map<string, Set<string>>): Tags => Object.fromEntries([...m].map(([e, tags]) => [e, [...tags].sort()]));
    return { adds: dump(this.adds), removes: dump(this.removes) } satisfies ORSetState;
  }

  merge(remote: Json): void {
    const r = remote as unknown as ORSetState;
    for (const [e, tags] of Object.entries(r.adds)) for (const tag of tags) tagsOf(this.adds, e).add(tag);
    for (const [e, tags] of Object.entries(r.removes)) for (const tag of tags) tagsOf(this.removes, e).add(tag);
  }

  value(): string[] {
    return [...this.adds.keys()].filter((e) => this.has(e)).sort();
  }
}

function tagsOf(m: Map<string, Set<string>>, element: string): Set<string> {
  let tags = m.get(element);
  if (tags === undefined) m.set(element, (tags = new Set()));
  return tags;
}

function splitTag(tag: string): [string, number] {
  const at = tag.lastIndexOf(":");
  return [tag.slice(0, at), Number(tag.slice(at + 1))];
}

interface Write {
  value: Json;
  time: number;
  replica: NodeId;
}

/** Keeps the write with the largest (time, replica). */
export class LWWRegister implements ILWWRegister {
  protected write: Write | null;

  constructor(
    protected readonly replica: NodeId,
    state?: Json,
  ) {
    this.write = (state ?? null) as Write | null;
  }

  set(value: Json, time: number): void {
    this.merge({ value, time, replica: this.replica });
  }

  state(): Json {
    return this.write as unknown as Json;
  }

  merge(remote: Json): void {
    const r = remote as unknown as Write | null;
    if (r === null) return;
    if (this.write === null || this.wins(r, this.write)) this.write = r;
  }

  protected wins(a: Write, b: Write): boolean {
    return a.time > b.time || (a.time === b.time && a.replica > b.replica);
  }

  value(): Json {
    return this.write === null ? null : this.write.value;
  }
}
