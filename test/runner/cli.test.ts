/**
 * `npm run lab` end to end: scores, exit statuses, the JSON document, replayable failures with
 * byte-identical traces, and bad submissions that each fail clearly while the rest of the run completes.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { GradeResult } from "../../grader/runner/grade.js";
import { BAD, REPO, runLab } from "./run-lab.js";

/** A clock test that every bad submission here still passes, to show the run went on. */
const CONTROL = "lamport-rules";

async function gradeBad(kind: string, ...extra: string[]): Promise<GradeResult> {
  const run = await runLab("1", "--impl", `${BAD}/${kind}`, "--only", `channel-basic,${CONTROL}`, "--seeds", "1", "--json", ...extra);
  expect(run.code, run.stderr).toBe(1);
  const result = JSON.parse(run.stdout) as GradeResult;
  expect(result.tests.map((t) => [t.id, t.passed])).toEqual([
    [CONTROL, true],
    ["channel-basic", false],
  ]);
  return result;
}

function failureOf(result: GradeResult, id: string): string {
  return result.tests.find((t) => t.id === id)?.failure?.message ?? "";
}

describe("npm run lab", () => {
  it("gives the reference solution full marks", async () => {
    const run = await runLab("1", "--solution", "--seeds", "1");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain("FAIL");
    expect(run.stdout).toMatch(/\nScore: 100\/100\n$/);
  });

  it("scores the skeleton 0 without crashing, with a replay command per test", async () => {
    const run = await runLab("1", "--seeds", "1");
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/\nScore: 0\/100\n$/);
    expect(run.stdout).toContain("replay: npm run lab 1 -- --only lamport-rules --seed 1 --trace\n");
    expect(run.stdout).toMatch(/Part A: Lamport and vector clocks\n {2}FAIL /);
  });

  it("prints one JSON document with the result's shape and nothing else on stdout", async () => {
    const run = await runLab("1", "--only", "channel-basic,lamport-rules", "--json");
    expect(run.code).toBe(1);
    const result = JSON.parse(run.stdout) as GradeResult;
    expect(Object.keys(result).sort()).toEqual(["durationMs", "implementation", "lab", "maxScore", "mode", "score", "tests", "title"]);
    expect(result).toMatchObject({ lab: "01-fallacies", implementation: "labs/01-fallacies", mode: "practice", score: 0, maxScore: 8 });
    const [clock] = result.tests;
    expect(clock).toMatchObject({ id: "lamport-rules", part: "A", points: 0, maxPoints: 5, passed: false, seeds: [1, 2, 3, 4, 5] });
    expect(clock?.failure).toMatchObject({ seed: 1, replay: "npm run lab 1 -- --only lamport-rules --seed 1 --trace" });
  });

  it("replays a seed with a trace that is byte-identical on every run", async () => {
    const args = ["1", "--solution", "--only", "channel-random-faults", "--seed", "3", "--trace"];
    const file = join(REPO, "traces/01-fallacies/channel-random-faults-seed3.json");
    await rm(file, { force: true });
    expect((await runLab(...args)).stdout).toContain("trace: traces/01-fallacies/channel-random-faults-seed3.json");
    const first = await readFile(file);
    await runLab(...args);
    expect((await readFile(file)).equals(first)).toBe(true);
  });

  it("runs the replay command it prints and gets the same failure", async () => {
    const result = JSON.parse((await runLab("1", "--impl", `${BAD}/fails-on-some-seeds`, "--only", "channel-basic", "--json")).stdout) as GradeResult;
    const failure = result.tests[0]?.failure;
    expect(failure?.replay).toBe(`npm run lab 1 -- --only channel-basic --seed 4 --trace --impl ${BAD}/fails-on-some-seeds`);
    // "npm run lab <unit> -- <flags>": npm passes the unit and the flags on.
    const [, , , unit = "", , ...flags] = failure?.replay.split(" ") ?? [];
    const replay = await runLab(unit, ...flags, "--json");
    const again = JSON.parse(replay.stdout) as GradeResult;
    expect(again.tests[0]?.failure).toMatchObject({ seed: 4, message: failure?.message, trace: "traces/01-fallacies/channel-basic-seed4.json" });
  });

  it("grades a lab folder copied anywhere: no package.json around it, no grader beside it", async () => {
    // The Lab 2 reference imports a value from the grader (../../grader/...), which is not there.
    const copy = mkdtempSync(join(tmpdir(), "lab-anywhere-"));
    cpSync(join(REPO, "solutions-private/02-mapreduce"), copy, { recursive: true, filter: (from) => !from.includes("/bugs") });
    try {
      const run = await runLab("2", "--impl", copy, "--only", "mr-word-count", "--seeds", "2");
      expect(run.stderr).not.toContain("Cannot find module");
      expect(run.stdout).toMatch(/\nScore: 10\/10\n$/);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  describe("refuses to run, with exit status 2, when", () => {
    it("a flag is unknown", async () => {
      const run = await runLab("1", "--sed", "3");
      expect(run).toMatchObject({ code: 2, stdout: "" });
      expect(run.stderr).toContain("Unknown option '--sed'");
    });

    it("the lab is unknown, listing the labs", async () => {
      const run = await runLab("42");
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('There is no lab "42"');
      expect(run.stderr).toContain("01-fallacies");
    });

    it("the unit is not available yet", async () => {
      const run = await runLab("production");
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("Unit 8 (Production: overload, timeouts and retries) is coming; available now: 1 (Fallacies, clocks and reliable delivery)");
    });

    it("a test id is unknown, listing the ids", async () => {
      const run = await runLab("1", "--only", "channel-basics");
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('Lab 1 has no test "channel-basics"');
      expect(run.stderr).toContain("  channel-basic ");
    });

    it("the implementation has a syntax error", async () => {
      const run = await runLab("1", "--impl", `${BAD}/syntax-error`);
      expect(run.code).toBe(2);
      expect(run.stdout).toContain(`could not compile ${BAD}/syntax-error/index.ts`);
      expect(run.stdout).toContain("no test ran");
    });

    it("the implementation misses an export", async () => {
      const run = await runLab("1", "--impl", `${BAD}/missing-export`, "--json");
      expect(run.code).toBe(2);
      expect((JSON.parse(run.stdout) as GradeResult).loadError).toContain("missing export createCausalNode (a function)");
    });
  });

  describe("a bad submission fails clearly and the rest of the run completes:", () => {
    it("an infinite loop in a handler misses the wall-clock deadline", async () => {
      const result = await gradeBad("infinite-loop", "--deadline", "1500");
      expect(failureOf(result, "channel-basic")).toBe(
        "seed 1 did not finish within 1.5 s of wall-clock time: an infinite loop or a very slow handler? (virtual time is not the problem: the simulation does not wait)",
      );
    });

    it("an exception points at the learner's line", async () => {
      const result = await gradeBad("throws");
      expect(failureOf(result, "channel-basic")).toContain("n2 threw while handling a message from n1 at t=5ms: TypeError");
      expect(failureOf(result, "channel-basic")).toContain(`at ${BAD}/throws/index.ts:10:`);
    });

    it("changing a received message is refused (messages are frozen)", async () => {
      expect(failureOf(await gradeBad("mutates-message"), "channel-basic")).toContain("are frozen copies");
    });

    it("an async handler is refused", async () => {
      expect(failureOf(await gradeBad("async-handler"), "channel-basic")).toContain("returned a Promise: handlers must be synchronous");
    });

    it("process.exit fails the seed instead of ending the grader: confined code has no process", async () => {
      const failure = failureOf(await gradeBad("process-exit"), "channel-basic");
      // It reaches for globalThis.process, which confined code does not have.
      expect(failure).toContain("process.exit is not available: lab code runs confined");
    });
  });

  it("redirects Math.random to the seeded generator: the run replays exactly and the trace says so", async () => {
    const args = ["1", "--impl", `${BAD}/math-random`, "--only", "channel-loss", "--seed", "2", "--trace"];
    const file = join(REPO, "traces/01-fallacies/channel-loss-seed2.json");
    const first = await runLab(...args);
    expect(first.code).toBe(0);
    const trace = await readFile(file, "utf8");
    expect(trace).toContain("n1 used Math.random(); redirected to the simulation's seeded generator");
    await runLab(...args);
    expect(await readFile(file, "utf8")).toBe(trace);
  });
});

describe("seeds are independent of each other", () => {
  it("Math.random at the top level of a module is seeded too, so a seed's trace is the same every time", async () => {
    const args = ["1", "--impl", `${BAD}/top-level-random`, "--only", "channel-basic", "--seed", "2", "--trace"];
    const file = join(REPO, "traces/01-fallacies/channel-basic-seed2.json");
    const traces: string[] = [];
    for (let i = 0; i < 2; i++) {
      await rm(file, { force: true });
      expect((await runLab(...args)).code).toBe(0);
      traces.push(await readFile(file, "utf8"));
    }
    expect(traces[0]).toContain('"jitter');
    expect(traces[1]).toBe(traces[0]);
  });

  it("module-level state in lab code does not leak from one seed into the next", async () => {
    const run = await runLab("1", "--impl", `${BAD}/module-state`, "--only", "channel-basic", "--seeds", "6", "--json");
    const result = JSON.parse(run.stdout) as GradeResult;
    expect(result.tests[0]?.failure?.message).toBeUndefined();
    expect(run.code).toBe(0);
  });
});
