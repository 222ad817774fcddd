/**
 * The Gradescope autograder, run as Gradescope would: the zip unpacked into a simulated /autograder
 * (node_modules linked instead of setup.sh's `npm ci`), run_autograder run once per submission, and
 * results.json checked, including for submissions that cannot be graded at all.
 */
import { execFile } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildAutograder, type GradescopeResults } from "../../grader/instructor/gradescope.js";
import { readZip } from "../../grader/instructor/zip.js";
import { findLab, type LabEntry } from "../../grader/suites/index.js";
import { REPO } from "../runner/run-lab.js";
import { makeSubmissions } from "./make-submissions.js";

let dir: string;
let root: string;
let subs: Map<string, string>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "gradescope-test-"));
  root = join(dir, "autograder");
  const zip = buildAutograder({ entry: findLab("1") as LabEntry, seeds: 1, only: ["channel-basic", "lamport-rules", "extra-causal-again"] });
  for (const entry of readZip(zip)) {
    const target = join(root, "source", entry.name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, entry.data);
    if (entry.mode !== undefined) chmodSync(target, entry.mode);
  }
  // The stand-in instructor suite takes the place of the lab's own, where the zip puts it.
  const instructor = join(root, "source", "solutions-private", "01-fallacies", "instructor-suite.ts");
  mkdirSync(dirname(instructor), { recursive: true });
  writeFileSync(instructor, readFileSync(join(REPO, "test/fixtures/instructor-suites/lab1-extra.ts"), "utf8").replaceAll('"../../../grader/', '"../../grader/'));
  symlinkSync(join(REPO, "node_modules"), join(root, "source", "node_modules"));
  copyFileSync(join(root, "source", "run_autograder"), join(root, "run_autograder"));
  chmodSync(join(root, "run_autograder"), 0o755);
  const wanted = new Set(["reference", "broken-compile-error", "broken-process-exit"]);
  subs = new Map(makeSubmissions(join(dir, "subs"), (name) => wanted.has(name)).map((path) => [path.split("/").at(-1) as string, path]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Puts `from` (a folder, or nothing) at /autograder/submission and runs run_autograder. */
async function runAutograder(from: string | null): Promise<GradescopeResults> {
  const submission = join(root, "submission");
  rmSync(submission, { recursive: true, force: true });
  mkdirSync(submission);
  if (from !== null) await new Promise((done) => execFile("cp", ["-R", `${from}/.`, submission], done));
  await new Promise((done) => execFile("bash", [join(root, "run_autograder")], { env: { ...process.env, AUTOGRADER_ROOT: root } }, done));
  return JSON.parse(readFileSync(join(root, "results", "results.json"), "utf8")) as GradescopeResults;
}

describe("npm run gradescope", () => {
  it("says what to do about bad options, and writes no zip", async () => {
    const cli = (...args: string[]) =>
      new Promise<{ code: number; stderr: string }>((done) =>
        execFile(process.execPath, [createRequire(import.meta.url).resolve("tsx/cli"), "grader/cli/gradescope.ts", ...args, "--out", join(dir, "bad.zip")], { cwd: REPO }, (error, _out, stderr) =>
          done({ code: error ? Number(error.code ?? 1) : 0, stderr }),
        ),
      );
    const cases: [string[], RegExp][] = [
      [["--lab", "1", "--seeds", "x"], /^--seeds needs a whole number of at least 1, got "x"\./],
      [["--lab", "1", "--frobnicate"], /^Unknown option '--frobnicate'/],
      [["--lab", "7"], /^Unit 7 \(.*\) has no lab to grade yet\./],
      [["--lab", "1", "--practice-only", "--only", "nope"], /^Lab 1 has no test "nope"/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(...args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr, args.join(" ")).toMatch(message);
    }
    expect(existsSync(join(dir, "bad.zip"))).toBe(false);
  });
});

describe("the Gradescope autograder", () => {
  it("holds setup.sh, run_autograder, the grader and the instructor-only tests, but no labs or solutions", () => {
    const names = readZip(buildAutograder({ entry: findLab("1") as LabEntry })).map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(["setup.sh", "run_autograder", "package.json", "package-lock.json", "grader/runner/grade.ts"]));
    expect(names.filter((n) => /^(labs|solutions-private|test)\//.test(n))).toEqual(["solutions-private/01-fallacies/instructor-suite.ts"]);
    const practiceOnly = readZip(buildAutograder({ entry: findLab("1") as LabEntry, instructorTests: false }));
    expect(practiceOnly.map((e) => e.name).filter((n) => n.startsWith("solutions-private/"))).toEqual([]);
    expect(practiceOnly.find((e) => e.name === "run_autograder")?.data.toString()).toContain("--practice-only");
  });

  it("grades the reference with full marks; each test's output has its seed and replay command", async () => {
    const results = await runAutograder(subs.get("reference") as string);
    expect(results.score).toBe(13);
    expect(results.tests.map((t) => [t.name, t.score, t.max_score, t.status, t.visibility])).toEqual([
      [expect.stringContaining("(lamport-rules)"), 5, 5, "passed", "visible"],
      [expect.stringContaining("(channel-basic)"), 3, 3, "passed", "visible"],
      ["Instructor-only, part C: causal delivery, once more (extra-causal-again)", 5, 5, "passed", "after_published"],
    ]);
    expect(results.tests[0]?.output).toMatch(/^Passed on seeds \d+\.\nReplay one: npm run lab 1 -- --only lamport-rules --seed \d+ --trace$/);
    expect(results.tests[2]?.output).toMatch(
      /^An instructor-only test: it is not in your copy of the course\.\nPassed on seeds \d+\.\nReplay one: course staff can replay it: npm run lab 1 -- --impl <this submission's lab folder> --instructor --only extra-causal-again --seed \d+ --trace$/,
    );
  });

  it("records a failing test with its seed and the learner's replay command", async () => {
    const results = await runAutograder(subs.get("broken-process-exit") as string);
    expect(results.score).toBe(10);
    const failed = results.tests.find((t) => t.status === "failed");
    expect(failed?.output).toMatch(/^Failed on seed \d+ at t=5 ms \(node n2\):\n.*process\.exit is not available: lab code runs confined/);
    expect(failed?.output).toMatch(/Replay it: npm run lab 1 -- --only channel-basic --seed \d+ --trace$/);
    expect(results.output).toContain("Status: forbidden-access");
  });

  it("always writes results.json: a submission that does not compile, and an empty one", async () => {
    const broken = await runAutograder(subs.get("broken-compile-error") as string);
    expect(broken).toMatchObject({ score: 0 });
    expect(broken.output).toContain("Status: compile-error");
    expect(broken.tests.every((t) => t.status === "failed" && t.output.includes("Not run ("))).toBe(true);
    const empty = await runAutograder(null);
    expect(empty).toMatchObject({ score: 0, tests: [] });
    expect(empty.output).toContain("no index.ts anywhere in the submission");
  });
});
