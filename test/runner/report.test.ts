/**
 * What a learner reads: the run header says what kind of run it was, every run shows the seeds each
 * test ran, PASS and FAIL read the same on a terminal and in a log, --trace says what it wrote,
 * --verbose and --json show measured figures against their bounds, --json lists every failing seed,
 * and a schedule-explorer search runs once however many seeds are asked for.
 */
import { describe, expect, it } from "vitest";
import { gradeLab, ONCE_REASON, type GradeResult, type TestResult } from "../../grader/runner/grade.js";
import { formatReport, styleFor } from "../../grader/runner/report.js";
import { findLab, type LabEntry } from "../../grader/suites/index.js";
import { BAD, REPO, runLab } from "./run-lab.js";

const SUITE = { unit: 1, parts: { A: "Clocks" } };
const PLAIN = { color: false };

function test(overrides: Partial<TestResult>): TestResult {
  return { id: "lamport-rules", name: "Lamport rules", part: "A", points: 5, maxPoints: 5, passed: true, seeds: [1, 2, 3, 4, 5], ...overrides };
}

function result(overrides: Partial<GradeResult>): GradeResult {
  return { lab: "01-fallacies", title: "T", implementation: "labs/01-fallacies", mode: "practice", score: 5, maxScore: 5, durationMs: 1, tests: [test({})], ...overrides };
}

describe("the report", () => {
  it("names the kind of run in its header: practice, grading, a replay, with the instructor-only tests", () => {
    const header = (r: GradeResult) => formatReport(r, SUITE, PLAIN).split("\n")[1];
    expect(header(result({}))).toBe("labs/01-fallacies (practice run: fixed seeds)");
    expect(header(result({ mode: "grading" }))).toBe("labs/01-fallacies (grading run: fresh random seeds)");
    expect(header(result({ seed: 7, tests: [test({ seeds: [7] })] }))).toBe("labs/01-fallacies (replay: seed 7 of each test)");
    expect(header(result({ tests: [test({}), test({ id: "x", instructorOnly: true })] }))).toBe("labs/01-fallacies (practice run: fixed seeds; with the instructor-only tests)");
  });

  it("shows the seeds of every test, passing or not: fixed ones on its line, fresh ones below it", () => {
    expect(formatReport(result({}), SUITE, PLAIN)).toContain("  PASS Lamport rules  lamport-rules  5/5  seeds 1-5\n");
    const drawn = formatReport(result({ mode: "grading", tests: [test({ seeds: [913879114, 1176015796] })] }), SUITE, PLAIN);
    expect(drawn).toContain("  PASS Lamport rules  lamport-rules  5/5\n      seeds 913879114 1176015796\n");
  });

  it("prints PASS and FAIL on a terminal as in a log, as the handouts show them; only colour differs", () => {
    expect(styleFor({ isTTY: true } as NodeJS.WriteStream, {})).toEqual({ color: true });
    expect(styleFor({ isTTY: false } as NodeJS.WriteStream, {})).toEqual({ color: false });
    const failing = result({ tests: [test({ passed: false, points: 0, failure: { seed: 2, message: "m", replay: "r" } })] });
    const coloured = formatReport(failing, SUITE, { color: true });
    expect(coloured).toContain("\x1b[31mFAIL\x1b[0m");
    expect(coloured).not.toMatch(/[✓✗]/);
    expect(formatReport(failing, SUITE, PLAIN)).toContain("  FAIL Lamport rules");
  });

  it("says what --trace wrote, and why a passing run without --seed wrote nothing", () => {
    expect(formatReport(result({}), SUITE, PLAIN, { traced: true })).toContain(
      "--trace wrote no trace: every test passed, and without --seed only failures are traced; a passing test is traced only when you name a seed (npm run lab 1 -- --only <id> --seed <S> --trace).",
    );
    const replay = result({ seed: 3, tests: [test({ seeds: [3], trace: "traces/01-fallacies/lamport-rules-seed3.json" })] });
    expect(formatReport(replay, SUITE, PLAIN, { traced: true })).toContain("--trace wrote 1 trace: one per test, of seed 3.");
    expect(formatReport(result({}), SUITE, PLAIN)).not.toContain("--trace");
  });

  it("with --verbose, prints each figure's worst value against its bound, and flags one outside it", () => {
    const figures = [
      { name: "messages per broadcast", bound: { atMost: 3 }, worst: 2.4, seed: 4, within: true, values: [{ seed: 4, value: 2.4 }] },
      { name: "latency", bound: { atMost: 200, unit: "ms" }, worst: 250, seed: 2, within: false, values: [{ seed: 2, value: 250 }] },
    ];
    const text = formatReport(result({ tests: [test({ figures })] }), SUITE, PLAIN, { verbose: true });
    expect(text).toContain("      messages per broadcast: worst 2.4 (seed 4); bound: at most 3\n");
    expect(text).toContain("      latency: worst 250 ms (seed 2); bound: at most 200 ms  (outside the bound)\n");
    expect(formatReport(result({ tests: [test({ figures })] }), SUITE, PLAIN)).not.toContain("messages per broadcast");
  });

  it("lists the other failing seeds, and the seeds a failure left unrun", () => {
    const failure = (seed: number) => ({ seed, message: "m", replay: `r${seed}` });
    const text = formatReport(result({ tests: [test({ passed: false, points: 0, failure: failure(4), failures: [failure(4), failure(8)], notRun: [9, 10] })] }), SUITE, PLAIN);
    expect(text).toContain("      also failed on seed 8\n      not run after that failure: seeds 9 10 (--json runs every seed)\n");
  });
});

describe("grading reports", () => {
  it("every failing seed of a test in --json, not only the lowest", async () => {
    const run = await runLab("1", "--impl", `${BAD}/fails-on-some-seeds`, "--only", "channel-basic", "--seeds", "10", "--json");
    const [channel] = (JSON.parse(run.stdout) as GradeResult).tests;
    expect(channel?.failure?.seed).toBe(4);
    expect(channel?.failures?.map((f) => f.seed)).toEqual([4, 8, 9, 10]);
    expect(channel?.failures?.[1]?.replay).toBe(`npm run lab 1 -- --only channel-basic --seed 8 --trace --impl ${BAD}/fails-on-some-seeds`);
    expect(channel?.notRun).toBeUndefined();
  });

  it("each test's measured figures against their bounds, over its seeds (a fixture suite measures)", async () => {
    const graded = await gradeLab({
      entry: findLab("1") as LabEntry,
      implDir: `${REPO}solutions-private/01-fallacies`,
      implementationLabel: "solutions-private/01-fallacies",
      mode: "practice",
      typecheck: false,
      workers: 2,
      instructorTests: `${REPO}test/fixtures/instructor-suites/lab1-measured.ts`,
      only: ["measured-channel-basic"],
    });
    const [measured] = graded.tests;
    expect(measured?.passed).toBe(true);
    // The wrapped practice test measures its own figures too; these two are the fixture's.
    const figure = (name: string) => measured?.figures?.find((f) => f.name === name);
    const [sent, ratio] = [figure("packets sent"), figure("packets delivered per packet sent")];
    expect(sent).toMatchObject({ name: "packets sent", bound: { atMost: 1000, unit: "packets" }, within: true });
    expect(sent?.values.map((v) => v.seed)).toEqual([1, 2, 3]);
    // The worst of an at-most figure is its largest value, and the seed it came from.
    expect(sent?.worst).toBe(Math.max(...(sent?.values.map((v) => v.value) ?? [])));
    expect(sent?.values.find((v) => v.value === sent.worst)?.seed).toBe(sent?.seed);
    expect(ratio).toMatchObject({ name: "packets delivered per packet sent", bound: { atLeast: 0.5 } });
    expect(ratio?.worst).toBe(Math.min(...(ratio?.values.map((v) => v.value) ?? [])));
  });

  it("runs a schedule-explorer search once however many seeds are asked for, and says so; other tests run them all", async () => {
    const run = await runLab("4", "--solution", "--only", "paxos-explore,paxos-simultaneous", "--seeds", "3", "--json");
    const [search, sampled] = (JSON.parse(run.stdout) as GradeResult).tests;
    expect(search).toMatchObject({ id: "paxos-explore", passed: true, seeds: [1], once: ONCE_REASON });
    expect(sampled).toMatchObject({ id: "paxos-simultaneous", passed: true, seeds: [1, 2, 3] });
    expect(sampled?.once).toBeUndefined();
    const text = await runLab("4", "--solution", "--only", "paxos-explore", "--seeds", "3");
    expect(text.stdout).toMatch(/paxos-explore {2}\d+\/\d+ {2}seed 1\n {6}ran once: a schedule-explorer search tries every schedule within its bounds rather than one per seed, so more seeds would repeat it\n/);
  }, 240_000);
});
