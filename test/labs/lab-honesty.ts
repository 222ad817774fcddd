/**
 * What every lab's suite must prove about itself (see "honest grading" in the guide): the reference
 * passes every test on every practice seed, the skeleton fails every test with "not implemented"
 * without breaking the grader, every bug-zoo variant fails the tests that exist to catch it, and
 * the same seed gives a byte-identical trace.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { BugVariant } from "../../grader/runner/bug-zoo.js";
import { runSeed } from "../../grader/runner/run-seed.js";
import { practiceSeeds, runTestInProcess } from "../../grader/runner/run-suite.js";
import type { LabSuite, LabTest } from "../../grader/runner/suite.js";

export const ROOT = resolve(import.meta.dirname, "../..");

export interface LabUnderTest<Impl> {
  suite: LabSuite<Impl>;
  reference: Impl;
  skeleton: unknown;
  bugs: readonly BugVariant[];
  minBugs: number;
  /**
   * The lab's instructor-only tests (solutions-private/<lab>/instructor-suite.ts), graded on top of the
   * practice suite in batch grading and on Gradescope. Held to the same standard: the reference passes
   * them, and bug-zoo variants may name them in expectedToFail.
   */
  instructorTests?: readonly LabTest<Impl>[];
  /** Tests whose traces must be byte-identical run to run, and a variant to run them on too. */
  traces: { tests: string[]; bug: string };
}

export function loadVariant<Impl>(bug: BugVariant): Promise<Impl> {
  return import(resolve(ROOT, bug.dir, "index.ts")) as Promise<Impl>;
}

export function describeLabHonesty<Impl>(lab: LabUnderTest<Impl>): void {
  const { suite } = lab;
  const name = `Lab ${suite.unit}`;
  const instructorTests = lab.instructorTests ?? [];
  const allTests = [...suite.tests, ...instructorTests];
  const test = (id: string) => {
    const found = allTests.find((t) => t.id === id);
    if (!found) throw new Error(`unknown test id ${id} in ${suite.lab}`);
    return found;
  };

  describe(`${name} reference solution`, () => {
    for (const t of suite.tests) {
      it(`passes ${t.id} on every practice seed`, () => {
        const result = runTestInProcess(suite, t, lab.reference, practiceSeeds(t));
        expect(result.failure?.message).toBeUndefined();
        expect(result.passed).toBe(true);
      });
    }

    it("has unique test ids and points adding up to 100 over its parts", () => {
      expect(suite.tests.reduce((sum, t) => sum + t.points, 0)).toBe(100);
      expect(new Set(suite.tests.map((t) => t.id)).size).toBe(suite.tests.length);
      expect(new Set(suite.tests.map((t) => t.part))).toEqual(new Set(Object.keys(suite.parts)));
    });
  });

  if (instructorTests.length > 0) {
    describe(`${name} instructor-only tests`, () => {
      for (const t of instructorTests) {
        it(`the reference passes ${t.id} on every practice seed`, () => {
          const result = runTestInProcess(suite, t, lab.reference, practiceSeeds(t));
          expect(result.failure?.message).toBeUndefined();
          expect(result.passed).toBe(true);
        });
      }

      it("have ids of their own, the lab's parts, and points", () => {
        expect(new Set(allTests.map((t) => t.id)).size).toBe(allTests.length);
        for (const t of instructorTests) {
          expect(Object.keys(suite.parts), t.id).toContain(t.part);
          expect(t.points, t.id).toBeGreaterThan(0);
        }
      });

      it("each declares the handout section that states its guarantee and every bound it enforces", () => {
        const sections = handoutSections(suite.lab);
        for (const t of instructorTests) {
          expect(t.handout, `${t.id} has no handout statement`).toBeDefined();
          const { section, states } = t.handout as NonNullable<LabTest["handout"]>;
          const text = sections.get(normalise(section));
          expect(text, `${t.id}: labs/${suite.lab}/README.md has no heading "${section}"`).toBeDefined();
          expect(states.length, `${t.id} states no guarantee`).toBeGreaterThan(0);
          for (const phrase of states) {
            expect(text, `${t.id}: section "${section}" never says "${phrase}"`).toContain(normalise(phrase));
          }
        }
      });

      it("catch at least one bug-zoo variant", () => {
        const ids = new Set(instructorTests.map((t) => t.id));
        expect(lab.bugs.some((b) => b.expectedToFail.some((id) => ids.has(id)))).toBe(true);
      });
    });
  }

  describe(`${name} skeleton`, () => {
    it("fails every test with a 'not implemented' message, without crashing the grader", () => {
      const dir = `labs/${suite.lab}`;
      for (const t of suite.tests) {
        const result = runTestInProcess(suite, t, lab.skeleton as Impl, [1], { implDir: resolve(ROOT, dir), shrinkBudget: 5 });
        expect(result.passed, t.id).toBe(false);
        expect(result.failure?.message, t.id).toMatch(new RegExp(`not implemented: .* in ${dir}/[\\w-]+\\.ts`));
      }
    });
  });

  describe(`${name} bug zoo`, () => {
    it(`has at least ${lab.minBugs} variants, each caught by at least one named test`, () => {
      expect(lab.bugs.length).toBeGreaterThanOrEqual(lab.minBugs);
      for (const bug of lab.bugs) expect(bug.expectedToFail.length, bug.name).toBeGreaterThan(0);
    });

    it("every variant says what its first caught test's message must name (the real cause)", () => {
      for (const bug of lab.bugs) expect(bug.says, `${bug.name} has no 'says'`).toBeInstanceOf(RegExp);
    });

    for (const bug of lab.bugs) {
      it(`${bug.name}: fails ${bug.expectedToFail.join(", ")}`, async () => {
        const variant = await loadVariant<Impl>(bug);
        for (const [index, id] of bug.expectedToFail.entries()) {
          const result = runTestInProcess(suite, test(id), variant, practiceSeeds(test(id)), { shrinkBudget: 10 });
          expect(result.passed, `${bug.name} should fail ${id}`).toBe(false);
          expect(result.failure?.message).toBeTruthy();
          if (index === 0 && bug.says) expect(result.failure?.message, `${bug.name}'s message on ${id}`).toMatch(bug.says);
        }
      });
    }
  });

  describe(`${name} traces`, () => {
    it("the same seed writes a byte-identical trace, failing or passing", async () => {
      const bug = lab.bugs.find((b) => b.name === lab.traces.bug);
      expect(bug, `no bug named ${lab.traces.bug}`).toBeDefined();
      const variant = await loadVariant<Impl>(bug as BugVariant);
      for (const id of lab.traces.tests) {
        for (const impl of [lab.reference, variant]) {
          const first = runSeed(suite, test(id), impl, 3, { trace: true });
          const second = runSeed(suite, test(id), impl, 3, { trace: true });
          expect(first.trace).toBeTruthy();
          expect(second.trace).toBe(first.trace);
        }
      }
    });
  });
}

/** Runs of whitespace count as one space, and case does not matter, when a handout is searched. */
function normalise(text: string): string {
  return text.replace(/\s+/g, " ").trim().toLowerCase();
}

/** The handout's sections by heading: each holds its text up to the next heading of its level or above. */
export function handoutSections(lab: string): Map<string, string> {
  const lines = readFileSync(resolve(ROOT, "labs", lab, "README.md"), "utf8").split("\n");
  const headings = lines.flatMap((line, at) => {
    const match = /^(#{1,6})\s+(.*)$/.exec(line);
    return match ? [{ at, level: (match[1] ?? "").length, title: match[2] ?? "" }] : [];
  });
  const sections = new Map<string, string>();
  for (const [i, h] of headings.entries()) {
    const end = headings.slice(i + 1).find((next) => next.level <= h.level)?.at ?? lines.length;
    sections.set(normalise(h.title), normalise(lines.slice(h.at + 1, end).join("\n")));
  }
  return sections;
}
