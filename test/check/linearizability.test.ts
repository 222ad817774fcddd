/**
 * The linearizability checker's own tests: agreement with a brute-force search over all orders
 * on small random histories, acceptance of histories from a correct simulated store, rejection of
 * injected stale reads, budgets that yield "unknown" (never "ok"), and explanations.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Json } from "../../grader/sim/api.js";
import type { RecordedOp } from "../../grader/check/history-formats/index.js";
import { type AnyModel, casRegisterModel, checkLinearizability, kvModel, type Operation, registerModel, setModel, toOperations } from "../../grader/check/linearizability/index.js";
import { registerHistory } from "./sim-stores.js";

/** Every order of every subset of unknown-outcome operations, respecting real time. */
function bruteForce(model: AnyModel, ops: Operation<unknown, unknown>[]): boolean {
  const n = ops.length;
  const used = new Array<boolean>(n).fill(false);
  const mustGo = ops.map((o) => o.ret !== Infinity);
  const search = (state: unknown, placed: number): boolean => {
    // Done when every determinate operation is placed (the rest may not have happened).
    if (ops.every((_, i) => used[i] || !mustGo[i])) return true;
    for (let i = 0; i < n; i++) {
      if (used[i]) continue;
      const o = ops[i] as Operation<unknown, unknown>;
      // Every unplaced determinate op that returned before o was invoked must come first.
      if (ops.some((p, j) => !used[j] && j !== i && mustGo[j] && p.ret < o.call)) continue;
      const next = model.step(state, o.input, o.output);
      if (next === undefined) continue;
      used[i] = true;
      if (search(next, placed + 1)) return true;
      used[i] = false;
    }
    return false;
  };
  return search(model.init(), 0);
}

/** A random history: steps pick a process that invokes or completes an operation. */
const randomHistory = fc
  .array(
    fc.record({
      process: fc.integer({ min: 0, max: 2 }),
      f: fc.constantFrom("read", "write", "cas"),
      a: fc.integer({ min: 0, max: 2 }),
      b: fc.integer({ min: 0, max: 2 }),
      outcome: fc.constantFrom("ok", "ok", "ok", "info", "fail"),
      swapped: fc.boolean(),
    }),
    { minLength: 4, maxLength: 30 },
  )
  .map((steps) => {
    const history: RecordedOp[] = [];
    const open = new Map<number, { f: string; value: Json }>();
    for (const s of steps) {
      const o = open.get(s.process);
      if (!o) {
        const value: Json = s.f === "read" ? null : s.f === "write" ? s.a : [s.a, s.b];
        open.set(s.process, { f: s.f, value });
        history.push({ index: history.length, type: "invoke", process: String(s.process), f: s.f, value });
        continue;
      }
      open.delete(s.process);
      const type = o.f === "read" && s.outcome === "fail" ? "ok" : (s.outcome as "ok" | "info" | "fail");
      const value: Json = o.f === "read" ? (s.a === 0 ? null : s.a) : o.f === "cas" ? s.swapped : o.value;
      history.push({ index: history.length, type, process: String(s.process), f: o.f, value: type === "info" ? o.value : value });
    }
    return history;
  });

function isStaleReadInjected(history: RecordedOp[]): RecordedOp[] {
  // Look for: write u completes, then write w (another value) runs entirely, then a read completes ok.
  const ops = history.map((e, i) => ({ e, i }));
  const done = (inv: number): number => {
    const p = history[inv] as RecordedOp;
    for (let j = inv + 1; j < history.length; j++) if ((history[j] as RecordedOp).process === p.process) return (history[j] as RecordedOp).type === "ok" ? j : -1;
    return -1;
  };
  const writes = ops.filter(({ e }) => e.type === "invoke" && e.f === "write").map(({ e, i }) => ({ value: e.value, call: i, ret: done(i) })).filter((w) => w.ret >= 0);
  for (const { e, i } of ops) {
    if (e.type !== "invoke" || e.f !== "read") continue;
    const ret = done(i);
    if (ret < 0) continue;
    for (const w2 of writes) {
      if (w2.ret >= i) continue;
      const w1 = writes.find((w) => w.ret < w2.call && w.value !== w2.value);
      if (!w1) continue;
      const copy = history.map((x) => ({ ...x }));
      (copy[ret] as RecordedOp).value = w1.value;
      return copy;
    }
  }
  // None in the history: append a sequential write, write, stale read.
  const tail = (type: "invoke" | "ok", f: string, value: Json): RecordedOp => ({ index: 0, type, process: "z", f, value });
  return [...history, tail("invoke", "write", 9001), tail("ok", "write", 9001), tail("invoke", "write", 9002), tail("ok", "write", 9002), tail("invoke", "read", null), tail("ok", "read", 9001)].map(
    (x, i) => ({ ...x, index: i }),
  );
}

describe("linearizability checker", () => {
  it("agrees with brute force over all orders on small random histories", () => {
    for (const model of [casRegisterModel, registerModel]) {
      fc.assert(
        fc.property(randomHistory, (history) => {
          const usable = model === registerModel ? history.filter((e) => e.f !== "cas") : history;
          const ops = toOperations(usable, model);
          const r = checkLinearizability(usable, model);
          expect(r.verdict).toBe(bruteForce(model, ops) ? "ok" : "violation");
          if (r.verdict === "violation") expect(r.explanation?.linearizedPrefix.length).toBeLessThan(ops.length);
        }),
        { numRuns: 400, seed: 7 },
      );
    }
  });

  it("agrees with brute force on near-miss register histories with up to 5 clients and unknown outcomes", () => {
    // Histories of a real register (each operation takes effect at a random moment while open),
    // some with one read's value changed afterwards: mostly close calls, where the search's
    // memory (keyed by the front of its list of entries) decides the verdict.
    const nearMiss = fc
      .record({
        steps: fc.array(fc.record({ process: fc.integer({ min: 0, max: 4 }), write: fc.boolean(), timeout: fc.integer({ min: 0, max: 5 }) }), { minLength: 6, maxLength: 36 }),
        tamper: fc.option(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 4 }) }), { freq: 2 }),
      })
      .map(({ steps, tamper }) => {
        const history: RecordedOp[] = [];
        const open = new Map<number, { f: string; value: Json; applied: boolean }>();
        let register: Json = null;
        let next = 1;
        for (const s of steps) {
          const o = open.get(s.process);
          if (!o) {
            const value: Json = s.write ? next++ : null;
            open.set(s.process, { f: s.write ? "write" : "read", value, applied: false });
            history.push({ index: history.length, type: "invoke", process: String(s.process), f: s.write ? "write" : "read", value });
          } else if (!o.applied) {
            o.applied = true;
            if (o.f === "write") register = o.value;
            else o.value = register;
          } else {
            open.delete(s.process);
            // A timed-out operation (info) took effect, but its client never learned the outcome.
            history.push({ index: history.length, type: s.timeout === 0 ? "info" : "ok", process: String(s.process), f: o.f, value: o.value });
          }
        }
        const reads = history.filter((e) => e.type === "ok" && e.f === "read");
        const target = tamper && reads.length > 0 ? reads[tamper.at % reads.length] : undefined;
        if (target && tamper) target.value = tamper.value === 0 ? null : tamper.value;
        return history;
      });
    const verdicts = { ok: 0, violation: 0 };
    fc.assert(
      fc.property(nearMiss, (history) => {
        const ops = toOperations(history, registerModel);
        const r = checkLinearizability(history, registerModel);
        const expected = bruteForce(registerModel, ops) ? "ok" : "violation";
        expect(r.verdict).toBe(expected);
        verdicts[expected]++;
      }),
      { numRuns: 600, seed: 18 },
    );
    // The property holds something only if both verdicts occur often.
    expect(verdicts.ok).toBeGreaterThan(100);
    expect(verdicts.violation).toBeGreaterThan(50);
  });

  it("agrees with brute force on kv histories, with and without partitioning by key", () => {
    const kvHistory = fc
      .array(fc.record({ process: fc.integer({ min: 0, max: 2 }), f: fc.constantFrom("get", "put", "append"), key: fc.constantFrom("a", "b"), v: fc.constantFrom("", "1", "2", "12", "21"), info: fc.boolean() }), { minLength: 4, maxLength: 24 })
      .map((steps) => {
        const history: RecordedOp[] = [];
        const open = new Map<number, { f: string; key: string; v: string }>();
        for (const s of steps) {
          const o = open.get(s.process);
          if (!o) {
            open.set(s.process, { f: s.f, key: s.key, v: s.v });
            history.push({ index: history.length, type: "invoke", process: String(s.process), f: s.f, value: { key: s.key, value: s.f === "get" ? null : s.v } });
            continue;
          }
          open.delete(s.process);
          const type = s.info && o.f !== "get" ? "info" : "ok";
          history.push({ index: history.length, type, process: String(s.process), f: o.f, value: { key: o.key, value: o.f === "get" ? s.v : o.v } });
        }
        return history;
      });
    fc.assert(
      fc.property(kvHistory, (history) => {
        const expected = bruteForce(kvModel, toOperations(history, kvModel)) ? "ok" : "violation";
        expect(checkLinearizability(history, kvModel).verdict).toBe(expected);
        expect(checkLinearizability(history, kvModel, { partition: false }).verdict).toBe(expected);
      }),
      { numRuns: 300, seed: 8 },
    );
  });

  it("accepts every history from a correct simulated register server", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const history = registerHistory(seed);
        expect(history.some((e) => e.type === "info")).toBeDefined();
        const r = checkLinearizability(history, casRegisterModel);
        expect(r.verdict, `seed ${seed}`).toBe("ok");
      }),
      { numRuns: 40, seed: 11 },
    );
  });

  it("rejects the same histories once a stale read is injected", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const bad = isStaleReadInjected(registerHistory(seed));
        const r = checkLinearizability(bad, casRegisterModel);
        expect(r.verdict, `seed ${seed}`).toBe("violation");
        expect(r.explanation?.cannotPlace.operation).toMatch(/^read\(\) -> /);
      }),
      { numRuns: 40, seed: 12 },
    );
  });

  it("a budget yields unknown, never ok", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 200 }), (seed, maxSteps) => {
        const history = isStaleReadInjected(registerHistory(seed, 3, 8));
        const r = checkLinearizability(history, casRegisterModel, { maxSteps });
        expect(["violation", "unknown"]).toContain(r.verdict);
        const good = checkLinearizability(registerHistory(seed, 3, 8), casRegisterModel, { maxSteps });
        expect(["ok", "unknown"]).toContain(good.verdict);
      }),
      { numRuns: 40, seed: 13 },
    );
    const r = checkLinearizability(registerHistory(5, 5, 30), casRegisterModel, { maxSteps: 3 });
    expect(r.verdict).toBe("unknown");
  });

  it("lets an info write take effect late or never", () => {
    const h = (...xs: [string, "invoke" | "ok" | "info", string, Json][]): RecordedOp[] => xs.map(([process, type, f, value], index) => ({ index, process, type, f, value }));
    // p1's write times out; p2 reads 1 after it, then reads null: impossible (the write cannot be undone).
    expect(checkLinearizability(h(["p1", "invoke", "write", 1], ["p1", "info", "write", 1], ["p2", "invoke", "read", null], ["p2", "ok", "read", 1]), registerModel).verdict).toBe("ok");
    expect(checkLinearizability(h(["p1", "invoke", "write", 1], ["p1", "info", "write", 1], ["p2", "invoke", "read", null], ["p2", "ok", "read", null]), registerModel).verdict).toBe("ok");
    const undone = h(["p1", "invoke", "write", 1], ["p1", "info", "write", 1], ["p2", "invoke", "read", null], ["p2", "ok", "read", 1], ["p2", "invoke", "read", null], ["p2", "ok", "read", null]);
    const r = checkLinearizability(undone, registerModel);
    expect(r.verdict).toBe("violation");
    expect(r.explanation?.cannotPlace).toEqual({ process: "p2", operation: "read() -> null", invokedAt: 4, completedAt: 5 });
    expect(r.explanation?.couldHaveObserved).toEqual(["value 1"]);
    expect(r.explanation?.linearizedPrefix.map((p) => p.op.operation)).toEqual(["write(1) (outcome unknown)", "read() -> 1"]);
    expect(JSON.parse(JSON.stringify(r.explanation))).toEqual(r.explanation);
  });

  it("checks kv by key and sets", () => {
    const kv = (process: string, type: "invoke" | "ok", f: string, key: string, value: Json, index: number): RecordedOp => ({ index, process, type, f, value: { key, value } });
    const good = [kv("a", "invoke", "put", "x", "1", 0), kv("a", "ok", "put", "x", "1", 1), kv("b", "invoke", "append", "y", "2", 2), kv("b", "ok", "append", "y", "2", 3), kv("a", "invoke", "get", "x", null, 4), kv("a", "ok", "get", "x", "1", 5)];
    expect(checkLinearizability(good, kvModel)).toMatchObject({ verdict: "ok", partitions: 2 });
    const bad = [...good, kv("b", "invoke", "get", "y", null, 6), kv("b", "ok", "get", "y", "", 7)];
    expect(checkLinearizability(bad, kvModel).explanation?.partition).toBe("y");
    const set = (type: "invoke" | "ok", f: string, value: Json, index: number): RecordedOp => ({ index, process: "s", type, f, value });
    expect(checkLinearizability([set("invoke", "add", 1, 0), set("ok", "add", 1, 1), set("invoke", "read", null, 2), set("ok", "read", [1], 3)], setModel).verdict).toBe("ok");
    expect(checkLinearizability([set("invoke", "add", 1, 0), set("ok", "add", 1, 1), set("invoke", "read", null, 2), set("ok", "read", [], 3)], setModel).verdict).toBe("violation");
  });
});
