/**
 * Lab 5's suite is honest (see lab-honesty.ts); its parts carry the stated points; a safety violation
 * names the index, both nodes, what each applied and when; failing random schedules are shrunk.
 */
import { describe, expect, it } from "vitest";
import { runSeed } from "../../grader/runner/run-seed.js";
import { practiceSeeds, runTestInProcess } from "../../grader/runner/run-suite.js";
import { suite } from "../../grader/suites/05-raft/index.js";
import type { Lab5 } from "../../grader/suites/05-raft/interface.js";
import * as skeleton from "../../labs/05-raft/index.js";
import { BUGS } from "../../solutions-private/05-raft/bugs/index.js";
import * as reference from "../../solutions-private/05-raft/index.js";
import { instructorTests } from "../../solutions-private/05-raft/instructor-suite.js";
import { describeLabHonesty, loadVariant } from "./lab-honesty.js";

describeLabHonesty<Lab5>({
  suite,
  reference: reference as Lab5,
  skeleton,
  bugs: BUGS,
  minBugs: 33,
  instructorTests,
  traces: { tests: ["figure8-scripted", "agree-reordered"], bug: "commit-previous-term" },
});

const variant = (name: string) => loadVariant<Lab5>(BUGS.find((b) => b.name === name)!);
const test = (id: string) => suite.tests.find((t) => t.id === id)!;

describe("Lab 5 parts and messages", () => {
  it("gives parts A 20, B 30, C 25 and D 25 points", () => {
    const byPart = (part: string) => suite.tests.filter((t) => t.part === part).reduce((sum, t) => sum + t.points, 0);
    expect([byPart("A"), byPart("B"), byPart("C"), byPart("D")]).toEqual([20, 30, 25, 25]);
  });

  it("a safety violation names the index, both nodes, what each applied, and when", async () => {
    const result = runSeed(suite, test("figure8-scripted"), await variant("commit-previous-term"), 1);
    expect(result.message).toMatch(/^index \d+: n\d applied \d+ \(term \d+\) at t=\d+ms, but n\d applied \d+ \(term \d+\) at t=\d+ms/);
    expect(result.node).toMatch(/^n\d$/);
    expect(result.time).toBeGreaterThan(0);
  });

  it("a failing randomized test reports a shrunk fault schedule", async () => {
    const t = test("random-faults");
    const result = runTestInProcess(suite, t, await variant("log-not-synced"), practiceSeeds(t), { shrinkBudget: 10 });
    expect(result.passed).toBe(false);
    expect(result.failure?.message).toMatch(/Fault schedule that still fails/);
  });
});
