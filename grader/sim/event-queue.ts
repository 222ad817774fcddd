/**
 * A binary min-heap of pending events, ordered by (time, seq). `seq` is the insertion number, so
 * events at the same virtual time happen in the order they were scheduled: a total order, which is
 * what makes a run a pure function of its seed.
 */
export interface Scheduled {
  time: number;
  seq: number;
}

export class EventQueue<E extends Scheduled> {
  private heap: E[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(event: E): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(event);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as E;
      if (before(p, event)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = event;
  }

  peek(): E | undefined {
    return this.heap[0];
  }

  pop(): E | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    const n = heap.length;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let child = l;
      if (r < n && before(heap[r] as E, heap[l] as E)) child = r;
      const c = heap[child] as E;
      if (before(last, c)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = last;
    return top;
  }

  /** Every pending event in (time, seq) order. For explicit scheduling; not on the hot path. */
  sorted(): E[] {
    return [...this.heap].sort((x, y) => (before(x, y) ? -1 : 1));
  }

  /** Up to `limit` pending events, spread evenly over the queue, in no particular order (for reports). */
  sample(limit: number): E[] {
    const heap = this.heap;
    if (heap.length <= limit) return [...heap];
    const step = heap.length / limit;
    return Array.from({ length: limit }, (_, k) => heap[Math.floor(k * step)] as E);
  }

  /** Removes one specific event (explicit scheduling picks events out of order). */
  remove(event: E): void {
    const rest = this.heap.filter((e) => e !== event);
    this.heap = [];
    for (const e of rest) this.push(e);
  }
}

function before(x: Scheduled, y: Scheduled): boolean {
  return x.time < y.time || (x.time === y.time && x.seq < y.seq);
}
