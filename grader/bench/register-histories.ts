/**
 * Long single-register histories for the checker benchmark, generated deterministically from a
 * seed: `processes` clients each run read/write operations one at a time against one atomic
 * register; each operation takes effect at a random moment while it is open, so the history is
 * linearizable by construction. With `stale`, one read at 90% of the history returns the value of
 * a write that a later, completed write had already overwritten before the read began.
 */
import type { Json } from "../sim/api.js";
import type { RecordedOp } from "../check/history-formats/index.js";

/** A seeded xorshift generator of numbers in [0, 1): the benchmarks' histories are the same on every run. */
export function xorshift(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

export interface RegisterHistoryOptions {
  operations: number;
  processes?: number;
  seed?: number;
  stale?: boolean;
}

export function syntheticRegisterHistory(options: RegisterHistoryOptions): RecordedOp[] {
  const { operations, processes = 5, seed = 1, stale = false } = options;
  const rand = xorshift(seed);
  type Open = { f: "read" | "write"; value: Json; applied: boolean; call: number; staleCandidate: boolean };
  const open: (Open | null)[] = new Array(processes).fill(null);
  const history: RecordedOp[] = [];
  /** Completed writes, in completion order: their value and the history positions of call and return. */
  const completedWrites: { value: Json; call: number; ret: number }[] = [];
  let register: Json = null;
  let nextValue = 1;
  let started = 0;
  let done = 0;
  const staleAt = Math.floor(operations * 0.9);
  let staleDone = !stale;
  while (done < operations) {
    const p = Math.floor(rand() * processes);
    const o = open[p];
    if (!o) {
      if (started >= operations) continue;
      started++;
      const write = rand() < 0.5;
      const value: Json = write ? nextValue++ : null;
      open[p] = { f: write ? "write" : "read", value, applied: false, call: history.length, staleCandidate: !write && !staleDone && started >= staleAt };
      history.push({ index: history.length, type: "invoke", process: String(p), f: write ? "write" : "read", value });
      continue;
    }
    if (!o.applied) {
      o.applied = true;
      if (o.f === "write") register = o.value;
      else o.value = register;
      continue;
    }
    if (o.staleCandidate && !staleDone) {
      // A value overwritten by a write that completed before this read was invoked.
      const newer = [...completedWrites].reverse().find((w) => w.ret < o.call);
      const older = newer && completedWrites.find((w) => w.ret < newer.call && w.value !== o.value);
      if (older) {
        o.value = older.value;
        staleDone = true;
      }
    }
    if (o.f === "write") completedWrites.push({ value: o.value, call: o.call, ret: history.length });
    history.push({ index: history.length, type: "ok", process: String(p), f: o.f, value: o.value });
    open[p] = null;
    done++;
  }
  return history;
}
