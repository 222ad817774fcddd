/**
 * Lab 3's suite is honest: the reference solution passes every test on every practice seed, the
 * skeleton scores 0 without breaking the grader, every bug-zoo variant fails the tests that exist to
 * catch it, and the topologies are what their names say.
 */
import { describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { practiceSeeds, runTestInProcess } from "../../grader/runner/run-suite.js";
import { runSeed } from "../../grader/runner/run-seed.js";
import { suite } from "../../grader/suites/03-gossip/index.js";
import type { Lab3 } from "../../grader/suites/03-gossip/interface.js";
import { topology } from "../../grader/suites/03-gossip/topology.js";
import * as reference from "../../solutions-private/03-gossip/index.js";
import { BUGS } from "../../solutions-private/03-gossip/bugs/index.js";
import * as skeleton from "../../labs/03-gossip/index.js";

const root = resolve(import.meta.dirname, "../..");

describe("Lab 3 reference solution", () => {
  for (const test of suite.tests) {
    it(`passes ${test.id} on every practice seed`, () => {
      const result = runTestInProcess(suite, test, reference as Lab3, practiceSeeds(test));
      expect(result.failure?.message).toBeUndefined();
      expect(result.passed).toBe(true);
    });
  }

  it("has points adding up to 100 over parts A, B and C", () => {
    expect(suite.tests.reduce((sum, t) => sum + t.points, 0)).toBe(100);
    expect(new Set(suite.tests.map((t) => t.id)).size).toBe(suite.tests.length);
    expect(new Set(suite.tests.map((t) => t.part))).toEqual(new Set(Object.keys(suite.parts)));
  });
});

describe("Lab 3 topologies", () => {
  const degrees = (kind: Parameters<typeof topology>[0], n: number) => [...topology(kind, n).values()].map((ns) => ns.length).sort((a, b) => a - b);
  it("are symmetric and have the expected shapes", () => {
    for (const [kind, n] of [["line", 8], ["ring", 8], ["tree", 10], ["grid", 9], ["mesh", 25]] as const) {
      const t = topology(kind, n);
      for (const [id, ns] of t) for (const other of ns) expect(t.get(other), `${kind}: ${other} links back to ${id}`).toContain(id);
    }
    expect(degrees("line", 8)).toEqual([1, 1, 2, 2, 2, 2, 2, 2]);
    expect(degrees("ring", 8).every((d) => d === 2)).toBe(true);
    expect(degrees("tree", 10).reduce((a, b) => a + b, 0)).toBe(2 * 9);
    expect(degrees("grid", 9)).toEqual([2, 2, 2, 2, 3, 3, 3, 3, 4]);
    expect(degrees("mesh", 25).every((d) => d === 24)).toBe(true);
  });
});

describe("Lab 3 skeleton", () => {
  it("fails every test with a 'not implemented' message, without crashing the grader", () => {
    for (const test of suite.tests) {
      const result = runTestInProcess(suite, test, skeleton as unknown as Lab3, [1], { implDir: resolve(root, "labs/03-gossip"), shrinkBudget: 5 });
      expect(result.passed, test.id).toBe(false);
      expect(result.failure?.message, test.id).toMatch(/not implemented: .* in labs\/03-gossip\/[\w-]+\.ts/);
    }
  });
});

describe("Lab 3 bug zoo", () => {
  it("has at least 10 variants, each named for its mistake", () => {
    expect(BUGS.length).toBeGreaterThanOrEqual(10);
    for (const bug of BUGS) expect(bug.expectedToFail.length, bug.name).toBeGreaterThan(0);
  });

  for (const bug of BUGS) {
    it(`${bug.name}: fails ${bug.expectedToFail.join(", ")}`, async () => {
      const variant = (await import(resolve(root, bug.dir, "index.ts"))) as Lab3;
      for (const id of bug.expectedToFail) {
        const test = suite.tests.find((t) => t.id === id);
        expect(test, `unknown test id ${id}`).toBeDefined();
        const result = runTestInProcess(suite, test!, variant, practiceSeeds(test!), { shrinkBudget: 10 });
        expect(result.passed, `${bug.name} should fail ${id}`).toBe(false);
        expect(result.failure?.message).toBeTruthy();
      }
    });
  }
});

describe("Lab 3 traces", () => {
  it("the same seed writes a byte-identical trace, failing or passing", async () => {
    const bug = BUGS.find((b) => b.name === "broadcast-seen-not-durable")!;
    const variant = (await import(resolve(root, bug.dir, "index.ts"))) as Lab3;
    for (const id of ["broadcast-crash-restart", "crdt-converge-partitions", "swim-detect-under-loss"]) {
      const test = suite.tests.find((t) => t.id === id)!;
      for (const impl of [reference as Lab3, variant]) {
        const first = runSeed(suite, test, impl, 3, { trace: true });
        const second = runSeed(suite, test, impl, 3, { trace: true });
        expect(first.trace).toBeTruthy();
        expect(second.trace).toBe(first.trace);
      }
    }
  });

  it("a passing efficiency run notes its metrics in the trace", () => {
    const test = suite.tests.find((t) => t.id === "broadcast-efficiency-batched")!;
    const result = runSeed(suite, test, reference as Lab3, 1, { trace: true });
    expect(result.passed).toBe(true);
    expect(result.trace).toMatch(/metrics \(batched tier, passed\): 25 nodes, 100ms links: 400 broadcasts: [\d.]+ messages/);
  });
});
