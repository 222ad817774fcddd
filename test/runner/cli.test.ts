/**
 * `npm run lab` end to end: scores, exit statuses, the JSON document, replayable failures with
 * byte-identical traces, and bad submissions that each fail clearly while the rest of the run completes.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { traceFolder, type GradeResult } from "../../grader/runner/grade.js";
import { BAD, REPO, runLab } from "./run-lab.js";

/** Where `npm run lab 1 -- --impl <impl> --trace` writes `file` (relative to the repo root). */
function traceOf(impl: string, file: string): string {
  return relative(REPO, join(traceFolder("01-fallacies", join(REPO, impl)), file));
}

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
    const file = join(REPO, "traces/01-fallacies/solution/channel-random-faults-seed3.json");
    await rm(file, { force: true });
    const first = (await runLab(...args)).stdout;
    expect(first).toContain("trace: traces/01-fallacies/solution/channel-random-faults-seed3.json");
    expect(first).toContain("solutions-private/01-fallacies (replay: seed 3 of each test)\n");
    const written = await readFile(file);
    await runLab(...args);
    expect((await readFile(file)).equals(written)).toBe(true);
  });

  it("runs the replay command it prints and gets the same failure", async () => {
    const result = JSON.parse((await runLab("1", "--impl", `${BAD}/fails-on-some-seeds`, "--only", "channel-basic", "--json")).stdout) as GradeResult;
    const failure = result.tests[0]?.failure;
    expect(failure?.replay).toBe(`npm run lab 1 -- --only channel-basic --seed 4 --trace --impl ${BAD}/fails-on-some-seeds`);
    // "npm run lab <unit> -- <flags>": npm passes the unit and the flags on.
    const [, , , unit = "", , ...flags] = failure?.replay.split(" ") ?? [];
    const replay = await runLab(unit, ...flags, "--json");
    const again = JSON.parse(replay.stdout) as GradeResult;
    expect(again.tests[0]?.failure).toMatchObject({ seed: 4, message: failure?.message, trace: traceOf(`${BAD}/fails-on-some-seeds`, "channel-basic-seed4.json") });
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

  it("grades a lab folder whose grader two levels up is not this one (a fork, the student export), and one kept at another depth in the course", async () => {
    const fork = mkdtempSync(join(tmpdir(), "lab-fork-"));
    mkdirSync(join(REPO, "grades"), { recursive: true });
    const inCourse = mkdtempSync(join(REPO, "grades", "lab-depth-"));
    const lab = (root: string) => join(root, "labs", "02-mapreduce");
    for (const root of [fork, inCourse]) cpSync(join(REPO, "solutions-private/02-mapreduce"), lab(root), { recursive: true, filter: (from) => !from.includes("/bugs") });
    // The fork's own grader, which is not the one grading it (and lacks what the lab imports).
    mkdirSync(join(fork, "grader"));
    writeFileSync(join(fork, "package.json"), "{}\n");
    try {
      for (const root of [fork, join(inCourse, "ada")]) {
        if (root !== fork) cpSync(lab(inCourse), lab(root), { recursive: true });
        const run = await runLab("2", "--impl", lab(root), "--only", "mr-word-count", "--seeds", "2");
        expect(run.stdout, run.stderr).toMatch(/\nScore: 10\/10\n$/);
        expect(run.stdout).not.toContain("Type errors");
      }
    } finally {
      rmSync(fork, { recursive: true, force: true });
      rmSync(inCourse, { recursive: true, force: true });
    }
  });

  it("writes traces of a folder outside the course to a folder of its own, byte-identical on every run", async () => {
    // The throwing fixture, made self-contained: the reference beside it, as reference.ts.
    const copy = mkdtempSync(join(tmpdir(), "lab-traced-"));
    cpSync(join(REPO, "solutions-private/01-fallacies"), copy, { recursive: true, filter: (from) => !/\/bugs|instructor-suite/.test(from) });
    cpSync(join(copy, "index.ts"), join(copy, "reference.ts"));
    const fixture = readFileSync(join(REPO, `${BAD}/throws/index.ts`), "utf8");
    writeFileSync(join(copy, "index.ts"), fixture.replace(/"(\.\.\/){4}solutions-private\/01-fallacies\/index\.js"/, '"./reference.js"').replace(/"(\.\.\/){4}solutions-private\/01-fallacies\//g, '"./').replace(/"(\.\.\/){4}grader\//g, '"../../grader/'));
    try {
      const traces: string[] = [];
      for (let i = 0; i < 2; i++) {
        const result = JSON.parse((await runLab("1", "--impl", copy, "--only", "channel-basic", "--seed", "1", "--trace", "--json")).stdout) as GradeResult;
        const failure = result.tests[0]?.failure;
        expect(failure?.message).toContain("TypeError");
        expect(failure?.trace).toBe(relative(REPO, join(traceFolder("01-fallacies", copy), "channel-basic-seed1.json")));
        traces.push(readFileSync(join(REPO, failure?.trace ?? ""), "utf8"));
      }
      expect(failure0(traces)).not.toMatch(/ds-lab-|lab-traced-[^/]*\/labs/);
      expect(traces[1]).toBe(traces[0]);
      expect(traceFolder("01-fallacies", copy)).not.toBe(traceFolder("01-fallacies", join(REPO, "labs/01-fallacies")));
    } finally {
      rmSync(copy, { recursive: true, force: true });
      rmSync(traceFolder("01-fallacies", copy), { recursive: true, force: true });
    }
  });

  it("says only that a missing folder is missing (no type-checker noise)", async () => {
    const run = await runLab("2", "--impl", "/nonexistent-lab-folder");
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("is not a folder. Point --impl at the folder that holds your lab's index.ts.");
    expect(run.stdout).not.toMatch(/TS18003|Type errors/);
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
    it("an infinite loop in a handler misses the wall-clock deadline, once per test even with --json", async () => {
      const result = await gradeBad("infinite-loop", "--deadline", "1500", "--seeds", "3");
      expect(failureOf(result, "channel-basic")).toBe(
        "seed 1 did not finish within 1.5 s of wall-clock time: an infinite loop or a very slow handler? (virtual time is not the problem: the simulation does not wait)",
      );
      const looping = result.tests.find((t) => t.id === "channel-basic");
      expect(looping?.failures).toHaveLength(1);
      expect(looping?.notRun).toEqual([2, 3]);
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
    const file = join(REPO, traceOf(`${BAD}/math-random`, "channel-loss-seed2.json"));
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
    const file = join(REPO, traceOf(`${BAD}/top-level-random`, "channel-basic-seed2.json"));
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

/** The header line of a trace: what it says about the run and its failure. */
function failure0(traces: string[]): string {
  return (traces[0] ?? "").split("\n")[0] ?? "";
}
