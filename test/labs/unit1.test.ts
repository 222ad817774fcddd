/**
 * Lab 1's suite is honest: the reference solution passes every test on every practice seed, the
 * skeleton scores 0 without breaking the grader, and every bug-zoo variant fails the tests that
 * exist to catch it.
 */
import { describe, expect, it } from "vitest";
import { resolve } from "node:path";
import { practiceSeeds, runTestInProcess } from "../../grader/runner/run-suite.js";
import { runSeed } from "../../grader/runner/run-seed.js";
import { suite } from "../../grader/suites/01-fallacies/index.js";
import type { Lab1 } from "../../grader/suites/01-fallacies/interface.js";
import * as reference from "../../solutions-private/01-fallacies/index.js";
import { BUGS } from "../../solutions-private/01-fallacies/bugs/index.js";
import * as skeleton from "../../labs/01-fallacies/index.js";

const root = resolve(import.meta.dirname, "../..");

describe("Lab 1 reference solution", () => {
  for (const test of suite.tests) {
    it(`passes ${test.id} on every practice seed`, () => {
      const result = runTestInProcess(suite, test, reference as Lab1, practiceSeeds(test));
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

describe("Lab 1 skeleton", () => {
  it("fails every test with a 'not implemented' message, without crashing the grader", () => {
    for (const test of suite.tests) {
      const result = runTestInProcess(suite, test, skeleton as unknown as Lab1, [1], { implDir: resolve(root, "labs/01-fallacies") });
      expect(result.passed, test.id).toBe(false);
      expect(result.failure?.message, test.id).toMatch(/not implemented: .* in labs\/01-fallacies\/\w+\.ts/);
    }
  });
});

describe("Lab 1 bug zoo", () => {
  it("has at least 8 variants, each named for its mistake", () => {
    expect(BUGS.length).toBeGreaterThanOrEqual(8);
    for (const bug of BUGS) expect(bug.expectedToFail.length, bug.name).toBeGreaterThan(0);
  });

  for (const bug of BUGS) {
    it(`${bug.name}: fails ${bug.expectedToFail.join(", ")}`, async () => {
      const variant = (await import(resolve(root, bug.dir, "index.ts"))) as Lab1;
      for (const id of bug.expectedToFail) {
        const test = suite.tests.find((t) => t.id === id);
        expect(test, `unknown test id ${id}`).toBeDefined();
        const result = runTestInProcess(suite, test!, variant, practiceSeeds(test!));
        expect(result.passed, `${bug.name} should fail ${id}`).toBe(false);
        expect(result.failure?.message).toBeTruthy();
      }
    });
  }
});

describe("Lab 1 traces", () => {
  it("the same seed writes a byte-identical trace, failing or passing", async () => {
    const bug = BUGS.find((b) => b.name === "channel-incarnation-not-persisted")!;
    const variant = (await import(resolve(root, bug.dir, "index.ts"))) as Lab1;
    for (const id of ["channel-sender-restart", "channel-random-faults", "causal-chain"]) {
      const test = suite.tests.find((t) => t.id === id)!;
      for (const impl of [reference as Lab1, variant]) {
        const first = runSeed(suite, test, impl, 3, { trace: true });
        const second = runSeed(suite, test, impl, 3, { trace: true });
        expect(first.trace).toBeTruthy();
        expect(second.trace).toBe(first.trace);
      }
    }
  });

  it("a failing randomized test reports a shrunk fault schedule", async () => {
    const bug = BUGS.find((b) => b.name === "channel-no-retransmit")!;
    const variant = (await import(resolve(root, bug.dir, "index.ts"))) as Lab1;
    const test = suite.tests.find((t) => t.id === "channel-random-faults")!;
    const result = runTestInProcess(suite, test, variant, practiceSeeds(test));
    expect(result.failure?.message).toMatch(/Fault schedule that still fails/);
  });
});
