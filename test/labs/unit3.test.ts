/**
 * Lab 3's suite is honest (see lab-honesty.ts), every one of its tests (practice ones too) names the
 * handout section that states what it enforces, its topologies are what their names say, and a passing
 * efficiency run notes its metrics in the trace.
 */
import { describe, expect, it } from "vitest";
import { runSeed } from "../../grader/runner/run-seed.js";
import { suite } from "../../grader/suites/03-gossip/index.js";
import type { Lab3 } from "../../grader/suites/03-gossip/interface.js";
import { topology } from "../../grader/suites/03-gossip/topology.js";
import * as skeleton from "../../labs/03-gossip/index.js";
import { BUGS } from "../../solutions-private/03-gossip/bugs/index.js";
import * as reference from "../../solutions-private/03-gossip/index.js";
import { instructorTests } from "../../solutions-private/03-gossip/instructor-suite.js";
import { describeLabHonesty, handoutSections } from "./lab-honesty.js";

describeLabHonesty<Lab3>({
  suite,
  reference: reference as Lab3,
  skeleton,
  bugs: BUGS,
  minBugs: 10,
  instructorTests,
  traces: { tests: ["broadcast-crash-restart", "crdt-converge-partitions", "swim-detect-under-loss"], bug: "broadcast-seen-not-durable" },
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

describe("Lab 3 metrics", () => {
  it("a passing efficiency run notes its metrics in the trace", () => {
    const test = suite.tests.find((t) => t.id === "broadcast-efficiency-batched")!;
    const result = runSeed(suite, test, reference as Lab3, 1, { trace: true });
    expect(result.passed).toBe(true);
    expect(result.trace).toMatch(/metrics \(batched tier, passed\): 25 nodes, 100ms links: 400 broadcasts: [\d.]+ messages/);
  });
});

describe("Lab 3 handout", () => {
  it("states what every test enforces, practice and instructor-only alike", () => {
    const sections = handoutSections(suite.lab);
    const flat = (text: string) => text.replace(/\s+/g, " ").trim().toLowerCase();
    for (const t of [...suite.tests, ...instructorTests]) {
      expect(t.handout, `${t.id} has no handout statement`).toBeDefined();
      const { section, states } = t.handout as NonNullable<typeof t.handout>;
      const text = sections.get(flat(section));
      expect(text, `${t.id}: no handout section "${section}"`).toBeDefined();
      for (const phrase of states) expect(text, `${t.id}: "${section}" never says "${phrase}"`).toContain(flat(phrase));
    }
  });
});
