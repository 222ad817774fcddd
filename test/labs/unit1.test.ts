/** Lab 1's suite is honest (see lab-honesty.ts), and a failing randomized test shrinks its schedule. */
import { describe, expect, it } from "vitest";
import { practiceSeeds, runTestInProcess } from "../../grader/runner/run-suite.js";
import { suite } from "../../grader/suites/01-fallacies/index.js";
import type { Lab1 } from "../../grader/suites/01-fallacies/interface.js";
import * as skeleton from "../../labs/01-fallacies/index.js";
import { BUGS } from "../../solutions-private/01-fallacies/bugs/index.js";
import * as reference from "../../solutions-private/01-fallacies/index.js";
import { instructorTests } from "../../solutions-private/01-fallacies/instructor-suite.js";
import { describeLabHonesty, loadVariant } from "./lab-honesty.js";

describeLabHonesty<Lab1>({
  suite,
  reference,
  skeleton,
  bugs: BUGS,
  minBugs: 36,
  instructorTests,
  traces: { tests: ["channel-sender-restart", "channel-random-faults", "causal-chain"], bug: "channel-incarnation-not-persisted" },
});

describe("Lab 1 randomized tests", () => {
  it("a failing randomized test reports a shrunk fault schedule", async () => {
    const variant = await loadVariant<Lab1>(BUGS.find((b) => b.name === "channel-no-retransmit")!);
    const test = suite.tests.find((t) => t.id === "channel-random-faults")!;
    const result = runTestInProcess(suite, test, variant, practiceSeeds(test));
    expect(result.failure?.message).toMatch(/Fault schedule that still fails/);
  });
});
