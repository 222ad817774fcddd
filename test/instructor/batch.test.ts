/**
 * `npm run grade` end to end on a handful of Lab 1 submissions (the reference, a bug-zoo variant and
 * broken ones), on two tests and one seed each to stay fast: statuses, the gradebook, archives, the
 * permission model's seat belt, JUnit, and a batch killed halfway that resumes without grading
 * anything twice.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJournal, type SubmissionRecord } from "../../grader/instructor/batch.js";
import { readZip, writeZip } from "../../grader/instructor/zip.js";
import type { GradeResult } from "../../grader/runner/grade.js";
import { REPO, runLab } from "../runner/run-lab.js";
import { makeSubmissions } from "./make-submissions.js";

const TSX_CLI = createRequire(import.meta.url).resolve("tsx/cli");
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;
const FAST = ["--lab", "1", "--seeds", "1", "--only", "channel-basic,lamport-rules", "--deadline", "3000", "--memory", "128"];

let dir: string;
let subs: string[];

function grade(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) =>
    execFile(process.execPath, [TSX_CLI, "grader/cli/grade.ts", ...args], { cwd: REPO, env: { ...process.env, npm_lifecycle_event: "" } }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "batch-test-"));
  const wanted = new Set([
    "reference",
    "bug-lamport-send-no-tick",
    "broken-compile-error",
    "broken-hangs",
    "broken-reads-reference",
    "broken-reads-instructor-tests",
    "broken-floods-output",
    "broken-spawns-process",
    "broken-writes-outside",
  ]);
  subs = makeSubmissions(join(dir, "subs"), (name) => wanted.has(name));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run grade", () => {
  it("grades a batch into a gradebook with a clear status for each broken kind", async () => {
    const out = join(dir, "out");
    const run = await grade(...FAST, "--out", out, "--format", "junit", ...subs);
    expect(run.code, run.stderr).toBe(0);
    const records = new Map([...readJournal(join(out, "results.jsonl"))].map(([id, r]) => [id, r]));
    const summary = (id: string) => {
      const r = records.get(id) as SubmissionRecord;
      return [r.status, r.score, r.maxScore];
    };
    expect(summary("reference")).toEqual(["ok", 8, 8]);
    expect(summary("bug-lamport-send-no-tick")).toEqual(["ok", 3, 8]);
    expect(summary("broken-compile-error")).toEqual(["compile-error", 0, 8]);
    expect(summary("broken-hangs")).toEqual(["timeout", 5, 8]);
    expect(summary("broken-floods-output")[0]).toBe("output-flood");
    // The seat belt: reading a reference solution is refused and flagged.
    expect(summary("broken-reads-reference")).toEqual(["forbidden-access", 5, 8]);
    expect(records.get("broken-reads-reference")?.detail).toContain("stopped by the permission model: channel-basic: n2 threw");
    expect(records.get("broken-reads-reference")?.detail).toContain("Access to this API has been restricted");
    expect(summary("broken-reads-instructor-tests")).toEqual(["forbidden-access", 5, 8]);
    // No child processes, and no writes outside the submission's temporary folder.
    expect(summary("broken-spawns-process")).toEqual(["forbidden-access", 5, 8]);
    expect(summary("broken-writes-outside")).toEqual(["forbidden-access", 5, 8]);

    const csv = readFileSync(join(out, "gradebook.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe("id,status,part A,part B,total,max,seeds,detail");
    expect(csv).toHaveLength(subs.length + 1);
    const reference = csv.find((line) => line.startsWith("reference,")) ?? "";
    expect(reference).toMatch(/^reference,ok,5,3,8,8,lamport-rules:\d+; channel-basic:\d+,/);
    expect(JSON.parse(readFileSync(join(out, "results", "reference.json"), "utf8"))).toMatchObject({ id: "reference", result: { mode: "grading" } });
    const junit = readFileSync(join(out, "junit.xml"), "utf8");
    expect(junit).toContain('<testsuite name="01-fallacies broken-hangs" tests="2" failures="1" errors="0"');
    expect(junit).toContain("replay: npm run lab 1 -- --only channel-basic --seed");
  });

  it("adds instructor-only tests: in the score, in their own gradebook column, replayed with --instructor", async () => {
    const out = join(dir, "out-instructor");
    const fixture = "test/fixtures/instructor-suites/lab1-extra.ts";
    const only = ["--only", "lamport-rules,extra-causal-again,extra-fails-late"];
    const pick = (name: string) => subs.find((s) => s.endsWith(`/${name}`)) as string;
    // A bug-zoo folder as it is in the repo (it imports the reference from outside itself).
    const rawBug = "solutions-private/01-fallacies/bugs/channel-no-dedup";
    const run = await grade("--lab", "1", "--seeds", "1", ...only, "--instructor-tests", fixture, "--out", out, "--format", "junit", pick("reference"), pick("bug-lamport-send-no-tick"), rawBug);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Lab 1: practice tests and the instructor-only tests in ${fixture}`);
    const records = readJournal(join(out, "results.jsonl"));
    const reference = records.get("reference") as SubmissionRecord;
    // extra-fails-late fails on every seed above 2, and grading seeds are drawn from 1..2^31.
    expect([reference.status, reference.score, reference.maxScore, reference.instructorOnly]).toEqual(["ok", 10, 13, { points: 5, maxPoints: 8 }]);
    const late = reference.result?.tests.find((t) => t.id === "extra-fails-late");
    expect(late?.instructorOnly).toBe(true);
    expect(late?.failure?.replay).toMatch(/^npm run lab 1 -- --only extra-fails-late --seed \d+ --trace --instructor --impl \S+\/reference\/labs\/01-fallacies$/);
    // The replay names the lab folder inside the submission as the instructor has it, and runs there.
    const rtoBug = records.get("bug-lamport-send-no-tick")?.result?.tests.find((t) => t.id === "lamport-rules")?.failure;
    const [, , , unit = "", , ...flags] = rtoBug?.replay.split(" ") ?? [];
    const replayed = JSON.parse((await runLab(unit, ...flags, "--json")).stdout) as GradeResult;
    expect(replayed.tests[0]?.failure?.message).toBe(rtoBug?.message);
    expect(records.get("channel-no-dedup")).toMatchObject({ status: "import-error", score: 0 });
    expect(records.get("channel-no-dedup")?.detail).toMatch(/^imports code from outside its lab folder \(index\.ts imports "\.\.\/\.\.\/channel\.js"; .*\): a submission must hold all of its own code\./);
    const csv = readFileSync(join(out, "gradebook.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe("id,status,part A,part C,instructor-only,total,max,seeds,detail");
    expect(csv.find((line) => line.startsWith("reference,"))).toMatch(/^reference,ok,5,5,5,10,13,/);
    expect(csv.find((line) => line.startsWith("bug-lamport-send-no-tick,"))).toMatch(/^bug-lamport-send-no-tick,ok,0,5,5,5,13,/);

    expect(readFileSync(join(out, "junit.xml"), "utf8")).toMatch(/name="extra-fails-late: fails on seeds above 2"><properties>.*<property name="instructor-only" value="true"\/><\/properties><failure/);

    const practice = await grade("--lab", "1", "--seeds", "1", "--only", "lamport-rules", "--practice-only", "--out", join(dir, "out-practice"), pick("reference"));
    expect(practice.stdout).toContain("Lab 1: practice tests only");
    const broken = await grade("--lab", "1", "--instructor-tests", "test/fixtures/instructor-suites/imports-outside.ts", "--out", join(dir, "out-broken"), pick("reference"));
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^The instructor-only tests cannot be used, so nothing was graded: .*imports-outside\.ts: imports "\.\/lab1-extra\.js", outside grader\//);
    expect(existsSync(join(dir, "out-broken", "results.jsonl"))).toBe(false);
  });

  it("says what to do about bad options, and grades nothing", async () => {
    const cases: [string[], RegExp][] = [
      [["--lab", "9", "x"], /^There is no lab "9"\. The labs are 1, 2, 3, 4, 5, 6, 7, 8\./],
      [["--lab", "7", "x"], /^Unit 7 \(.*\) has no lab to grade yet\./],
      [["x"], /^Which lab\? Name it with --lab <unit>/],
      [["--lab", "1"], /^Which submissions\?/],
      [["--lab", "1", "--parallel", "two", "x"], /^--parallel needs a whole number of at least 1, got "two"\./],
      [["--lab", "1", "--frobnicate", "x"], /^Unknown option '--frobnicate'/],
      [["--lab", "1", "--format", "xml", "x"], /^--format takes only "junit"/],
    ];
    for (const [args, message] of cases) {
      const run = await grade(...args);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr, args.join(" ")).toMatch(message);
      expect(run.stderr).toContain("npm run grade -- --help");
    }
  });

  it("unpacks .zip and .tar.gz submissions", async () => {
    const reference = subs[0] as string;
    const zip = join(dir, "zipped.zip");
    const files = ["channel.ts", "clocks.ts", "causal.ts", "index.ts"].map((f) => ({ name: `zipped/labs/01-fallacies/${f}`, data: readFileSync(join(reference, "labs/01-fallacies", f)) }));
    const { writeFileSync } = await import("node:fs");
    writeFileSync(zip, writeZip(files));
    expect(readZip(readFileSync(zip)).map((e) => e.name)).toEqual(files.map((f) => f.name));
    const tar = join(dir, "tarred.tar.gz");
    await new Promise((done) => execFile("tar", ["-czf", tar, "-C", reference, "labs"], done));
    const out = join(dir, "out-archives");
    const run = await grade(...FAST, "--out", out, zip, tar);
    expect(run.code, run.stderr).toBe(0);
    const records = readJournal(join(out, "results.jsonl"));
    expect([...records.values()].map((r) => [r.id, r.status, r.score])).toEqual(
      expect.arrayContaining([
        ["zipped", "ok", 8],
        ["tarred", "ok", 8],
      ]),
    );
  });

  it("resumes a batch killed halfway without grading anything twice or losing a result", async () => {
    const out = join(dir, "out-resume");
    const journal = join(out, "results.jsonl");
    const batch = subs.filter((s) => !s.endsWith("broken-hangs")).slice(0, 5);
    // The grader itself, not tsx's CLI (which would run it in a child that outlives a SIGKILL).
    const args = ["--import", TSX_LOADER, "grader/cli/grade.ts", ...FAST, "--parallel", "1", "--out", out, ...batch];
    const first = spawn(process.execPath, args, { cwd: REPO, stdio: "ignore" });
    // Kill it (SIGKILL: no chance to clean up) once two submissions are on disk.
    await new Promise<void>((done) => {
      const poll = setInterval(() => {
        if (existsSync(journal) && readJournal(journal).size >= 2) {
          clearInterval(poll);
          first.kill("SIGKILL");
          done();
        }
      }, 50);
    });
    await new Promise((done) => first.once("exit", done));
    const before = readJournal(journal);
    expect(before.size).toBeGreaterThanOrEqual(2);
    expect(before.size).toBeLessThan(batch.length);

    const second = await grade(...FAST, "--parallel", "1", "--out", out, ...batch);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout.match(/skipped \(already graded\)/g)).toHaveLength(before.size);
    const lines = readFileSync(journal, "utf8").trim().split("\n").map((l) => (JSON.parse(l) as SubmissionRecord).id);
    expect(lines.sort()).toEqual(batch.map((s) => basename(s)).sort());
    for (const [id, record] of before) expect(readJournal(journal).get(id)).toEqual(record);
  });
});
