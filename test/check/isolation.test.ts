/**
 * The isolation checker's own tests: histories from a correct (atomic, serial) simulated
 * list-append store are accepted; an injected stale read is rejected; anomaly classes on small
 * hand-made histories; a budget gives "unknown".
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RecordedOp } from "../../grader/check/history-formats/index.js";
import { checkIsolation } from "../../grader/check/isolation/index.js";
import type { Json } from "../../grader/sim/api.js";
import { listAppendHistory } from "./sim-stores.js";

type Mop = [string, number, Json];

/** Makes a committed read miss the last element appended by a transaction that finished before it began. */
function injectStaleRead(history: RecordedOp[]): RecordedOp[] | null {
  const completion = (inv: number): number => {
    const p = history[inv] as RecordedOp;
    for (let j = inv + 1; j < history.length; j++) if ((history[j] as RecordedOp).process === p.process) return (history[j] as RecordedOp).type === "ok" ? j : -1;
    return -1;
  };
  const appendedBy = new Map<string, { inv: number; done: number }>();
  for (const [i, e] of history.entries()) {
    if (e.type !== "invoke") continue;
    for (const [f, k, v] of e.value as Mop[]) if (f === "append") appendedBy.set(`${k}/${v}`, { inv: i, done: completion(i) });
  }
  for (const [i, e] of history.entries()) {
    if (e.type !== "invoke") continue;
    const done = completion(i);
    if (done < 0) continue;
    const mops = (history[done] as RecordedOp).value as Mop[];
    for (const [mi, [f, k, v]] of mops.entries()) {
      if (f !== "r" || !Array.isArray(v) || v.length === 0) continue;
      const w = appendedBy.get(`${k}/${v[v.length - 1]}`);
      if (!w || w.done < 0 || w.done >= i || (e.value as Mop[]).some(([g]) => g === "append")) continue;
      const copy = history.map((x) => ({ ...x }));
      (copy[done] as RecordedOp).value = mops.map((m, j): Json => (j === mi ? [f, k, v.slice(0, -1)] : m));
      return copy;
    }
  }
  return null;
}

describe("isolation checker", () => {
  it("accepts every history from a correct simulated list-append store", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const r = checkIsolation(listAppendHistory(seed), { workload: "list-append" });
        expect(r.anomalyTypes, `seed ${seed}: ${r.explanation.join("\n")}`).toEqual([]);
        expect(r.verdict).toBe("ok");
        expect(r.satisfied).toEqual(["strict-serializable"]);
      }),
      { numRuns: 40, seed: 21 },
    );
  });

  it("rejects them once a stale read is injected", () => {
    let injected = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const bad = injectStaleRead(listAppendHistory(seed));
        if (bad === null) return;
        injected++;
        const r = checkIsolation(bad, { workload: "list-append" });
        expect(r.verdict, `seed ${seed}`).toBe("violation");
        expect(r.satisfied).not.toContain("strict-serializable");
      }),
      { numRuns: 40, seed: 22 },
    );
    expect(injected).toBeGreaterThan(30);
  });

  const txn = (process: string, type: "invoke" | "ok" | "fail" | "info", value: Json, index: number): RecordedOp => ({ index, process, type, f: "txn", value });
  const serial = (...txns: [string, Json, Json?][]): RecordedOp[] =>
    txns.flatMap(([p, inv, done], i) => [txn(p, "invoke", inv, 2 * i), txn(p, "ok", done ?? inv, 2 * i + 1)]);

  it("classifies small hand-made anomalies", () => {
    // Write skew between two concurrent transactions: G2-item.
    const skew = [txn("a", "invoke", [["r", "x", null], ["w", "y", 1]], 0), txn("b", "invoke", [["r", "y", null], ["w", "x", 1]], 1), txn("a", "ok", [["r", "x", null], ["w", "y", 1]], 2), txn("b", "ok", [["r", "y", null], ["w", "x", 1]], 3)];
    const r = checkIsolation(skew, { workload: "rw-register" });
    expect(r.anomalyTypes).toEqual(["G2-item"]);
    expect(r.satisfied).toEqual(["strong-snapshot-isolation"]);
    // Aborted read.
    const g1a = serial(["a", [["append", 1, 1]]], ["b", [["r", 1, null]], [["r", 1, [1]]]]);
    (g1a[1] as RecordedOp).type = "fail";
    expect(checkIsolation(g1a, { workload: "list-append" }).anomalyTypes).toContain("G1a");
    // Lost update on a list.
    const lost = [txn("a", "invoke", [["r", 1, null], ["append", 1, 1]], 0), txn("b", "invoke", [["r", 1, null], ["append", 1, 2]], 1), txn("a", "ok", [["r", 1, []], ["append", 1, 1]], 2), txn("b", "ok", [["r", 1, []], ["append", 1, 2]], 3), txn("c", "invoke", [["r", 1, null]], 4), txn("c", "ok", [["r", 1, [1, 2]]], 5)];
    expect(checkIsolation(lost, { workload: "list-append" }).anomalyTypes).toContain("lost-update");
    // Nothing to order: unknown.
    expect(checkIsolation(serial(["a", [["r", 1, null]], [["r", 1, []]]]), { workload: "list-append" })).toMatchObject({ verdict: "unknown", anomalyTypes: ["empty-transaction-graph"] });
    // Weaker model asked for: a real-time-only anomaly is not a violation of serializability.
    const stale = serial(["a", [["append", 1, 1]]], ["b", [["append", 1, 2]]], ["c", [["r", 1, null]], [["r", 1, [1]]]]);
    expect(checkIsolation(stale, { workload: "list-append" }).anomalyTypes).toEqual(["G-single-item-realtime"]);
    expect(checkIsolation(stale, { workload: "list-append", consistencyModels: ["serializable"] }).verdict).toBe("ok");
  });

  it("reports cycle-search-timeout (unknown) when the budget runs out", () => {
    const bad = injectStaleRead(listAppendHistory(3)) as RecordedOp[];
    const r = checkIsolation(bad, { workload: "list-append", maxSearchSteps: 1 });
    expect(r.anomalyTypes).toContain("cycle-search-timeout");
    expect(r.verdict).not.toBe("ok");
  });
});
