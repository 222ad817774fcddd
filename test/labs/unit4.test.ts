/**
 * Lab 4's suite is honest (see lab-honesty.ts); the explorer catches the Paxos safety mistakes it can
 * reach, and its counterexamples replay as traces.
 */
import { describe, expect, it } from "vitest";
import { runSeed } from "../../grader/runner/run-seed.js";
import { parseTrace } from "../../grader/sim/trace.js";
import { suite } from "../../grader/suites/04-consensus/index.js";
import type { Lab4 } from "../../grader/suites/04-consensus/interface.js";
import * as skeleton from "../../labs/04-consensus/index.js";
import { BUGS } from "../../solutions-private/04-consensus/bugs/index.js";
import * as reference from "../../solutions-private/04-consensus/index.js";
import { instructorTests } from "../../solutions-private/04-consensus/instructor-suite.js";
import { describeLabHonesty, loadVariant } from "./lab-honesty.js";

const test = (id: string) => suite.tests.find((t) => t.id === id)!;

describeLabHonesty<Lab4>({
  suite,
  reference: reference as Lab4,
  skeleton,
  bugs: BUGS,
  minBugs: 26,
  instructorTests,
  traces: { tests: ["paxos-explore-after-choice", "paxos-random-faults"], bug: "paxos-acceptor-no-sync" },
});

describe("Lab 4 explorer", () => {
  it("the explorer catches every Paxos safety mistake it can reach", () => {
    const explorerTests = new Set(suite.tests.filter((t) => t.id.startsWith("paxos-explore")).map((t) => t.id));
    const caught = BUGS.filter((b) => b.expectedToFail.some((id) => explorerTests.has(id))).map((b) => b.name);
    expect(caught).toEqual(
      expect.arrayContaining(["paxos-ignores-promised-values", "paxos-first-promise-value", "paxos-acceptor-no-sync", "paxos-non-unique-ballots", "paxos-accept-checks-accepted-ballot", "paxos-duplicate-promises-counted"]),
    );
  });

});

describe("Lab 4 explorer traces", () => {
  it("a counterexample is the same on every run, and its trace ends at the violation", async () => {
    const variant = await loadVariant<Lab4>(BUGS.find((b) => b.name === "paxos-acceptor-no-sync")!);
    const first = runSeed(suite, test("paxos-explore-after-choice"), variant, 1, { trace: true });
    const second = runSeed(suite, test("paxos-explore-after-choice"), variant, 1, { trace: true });
    expect(first.passed).toBe(false);
    expect(first.message).toMatch(/two different values were chosen[\s\S]*shortest schedule[\s\S]*crash a2|two different values were chosen[\s\S]*shortest schedule/);
    expect(second.trace).toBe(first.trace);
    const trace = parseTrace(first.trace!);
    expect(trace.events.some((e) => e.type === "crash" && e.node === "a2")).toBe(true);
    expect(trace.failure?.message).toBe(first.message);
  });

  it("the FLP test shows a loop of duelling proposers in its trace", () => {
    const result = runSeed(suite, test("paxos-flp-livelock"), reference as Lab4, 1, { trace: true });
    expect(result.passed).toBe(true);
    const notes = parseTrace(result.trace!).events.filter((e) => e.type === "note").map((e) => (e as { text: string }).text);
    expect(notes.some((n) => /round 4 of 4 of the loop/.test(n))).toBe(true);
    expect(notes.some((n) => /returns to the same state with higher ballots, and no value is ever chosen/.test(n))).toBe(true);
  });
});
