/**
 * Validation against Porcupine's test data: 102 Jepsen etcd histories (a cas register) and six
 * key-value histories, each with the verdict Porcupine's own tests assert (verdicts.json).
 */
import { describe, expect, it } from "vitest";
import { parseHistory } from "../../grader/check/history-formats/index.js";
import { casRegisterModelWith, checkLinearizability, kvModel } from "../../grader/check/linearizability/index.js";
import { listFixtures, readFixture } from "./fixtures.js";

interface Verdicts {
  jepsen: Record<string, boolean>;
  kv: Record<string, boolean>;
}
const verdicts = (): Verdicts => JSON.parse(readFixture("porcupine", "verdicts.json")) as Verdicts;

describe("Porcupine fixtures", () => {
  it("agrees with the expected verdict on every etcd history (both readings of a failed cas)", () => {
    const expected = verdicts().jepsen;
    const files = listFixtures("porcupine/jepsen").filter((f) => f.endsWith(".log"));
    expect(files).toHaveLength(103);
    let checked = 0;
    for (const failedCas of ["no-effect", "mismatch"] as const) {
      const model = casRegisterModelWith({ failedCas });
      for (const f of files) {
        const want = expected[f];
        const ops = parseHistory(readFixture("porcupine", "jepsen", f)).ops;
        if (want === undefined) {
          expect(ops, `${f} has no verdict, so it should be the empty one`).toHaveLength(0);
          continue;
        }
        const r = checkLinearizability(ops, model);
        expect(r.verdict, `${f} (failed cas = ${failedCas})`).toBe(want ? "ok" : "violation");
        if (!want) expect(r.explanation?.cannotPlace.operation, f).toBeTruthy();
        checked++;
      }
    }
    expect(checked).toBe(2 * 102);
  });

  it("agrees on every kv history, partitioned by key", () => {
    const expected = verdicts().kv;
    const files = listFixtures("porcupine/kv");
    expect(files).toHaveLength(6);
    for (const f of files) {
      const r = checkLinearizability(parseHistory(readFixture("porcupine", "kv", f)).ops, kvModel);
      expect(r.verdict, f).toBe(expected[f] ? "ok" : "violation");
      expect(r.partitions, f).toBeGreaterThan(1);
    }
  });

  it("agrees on c01 and c10 without partitioning too", () => {
    const expected = verdicts().kv;
    for (const f of ["c01-ok.txt", "c01-bad.txt", "c10-ok.txt", "c10-bad.txt"]) {
      const r = checkLinearizability(parseHistory(readFixture("porcupine", "kv", f)).ops, kvModel, { partition: false });
      expect(r.verdict, f).toBe(expected[f] ? "ok" : "violation");
      expect(r.partitions).toBe(1);
    }
  });
});
