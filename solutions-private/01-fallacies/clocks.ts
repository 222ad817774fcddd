/** Reference solution, Lab 1 Part A: Lamport and vector clocks. */
import type { NodeId } from "../../grader/sim/api.js";
import type {
  LamportClock as LamportClockShape,
  LamportStamp,
  Ordering,
  VectorClock as VectorClockShape,
  VectorTimestamp,
} from "../../grader/suites/01-fallacies/interface.js";

export class LamportClock implements LamportClockShape {
  time = 0;
  constructor(readonly node: NodeId) {}

  tick(): number {
    return ++this.time;
  }

  send(): number {
    return this.tick();
  }

  receive(remote: number): number {
    this.time = this.merge(remote) + 1;
    return this.time;
  }

  /** The larger of our time and the message's: the receive must come after both. */
  protected merge(remote: number): number {
    return Math.max(this.time, remote);
  }
}

export class VectorClock implements VectorClockShape {
  protected entries: Record<NodeId, number> = {};
  constructor(readonly node: NodeId) {}

  get time(): VectorTimestamp {
    return Object.freeze({ ...this.entries });
  }

  tick(): VectorTimestamp {
    this.entries[this.node] = (this.entries[this.node] ?? 0) + 1;
    return this.time;
  }

  send(): VectorTimestamp {
    return this.tick();
  }

  receive(remote: VectorTimestamp): VectorTimestamp {
    this.entries = { ...mergeVectors(this.entries, remote) };
    return this.tick();
  }
}

export function mergeVectors(a: VectorTimestamp, b: VectorTimestamp): VectorTimestamp {
  const merged: Record<NodeId, number> = { ...a };
  for (const [node, count] of Object.entries(b)) merged[node] = Math.max(merged[node] ?? 0, count);
  return merged;
}

export function compareVectors(a: VectorTimestamp, b: VectorTimestamp): Ordering {
  let aSmaller = false;
  let bSmaller = false;
  for (const node of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[node] ?? 0;
    const y = b[node] ?? 0;
    if (x < y) aSmaller = true;
    if (y < x) bSmaller = true;
  }
  if (aSmaller && bSmaller) return "concurrent";
  if (aSmaller) return "before";
  if (bSmaller) return "after";
  return "equal";
}

export function compareLamport(a: LamportStamp, b: LamportStamp): number {
  if (a.time !== b.time) return a.time - b.time;
  return a.node < b.node ? -1 : a.node > b.node ? 1 : 0;
}
