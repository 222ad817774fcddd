/**
 * `npm run grade` end to end on a handful of Lab 1 submissions (the reference, a bug-zoo variant and
 * broken ones), on two tests and one seed each to stay fast: statuses, the gradebook, archives, the
 * permission model's seat belt, JUnit, hostile archives and folders refused without stopping the
 * batch, and a batch killed halfway that resumes without grading anything twice.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { c as createTar } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJournal, type SubmissionRecord } from "../../grader/instructor/batch.js";
import type { GradeResult } from "../../grader/runner/grade.js";
import { runLab } from "../runner/run-lab.js";
import { filesOf, tarGz, zip } from "./archives.js";
import { makeSubmissions } from "./make-submissions.js";
import { FAST, grade, startGrade } from "./run-grade.js";

let dir: string;
let subs: string[];

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
    // Reading a reference solution: confined code has no process to get a file system from; flagged.
    expect(summary("broken-reads-reference")).toEqual(["forbidden-access", 5, 8]);
    expect(records.get("broken-reads-reference")?.detail).toContain("channel-basic: n2 at t=5ms: process.getBuiltinModule is not available: lab code runs confined");
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
    // Practice points per part, then the instructor-only points, then their sum (the fixture's
    // instructor-only tests are all in part C, which has no practice test here).
    const csv = readFileSync(join(out, "gradebook.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe("id,status,part A,instructor-only,total,max,seeds,detail");
    expect(csv.find((line) => line.startsWith("reference,"))).toMatch(/^reference,ok,5,5,10,13,/);
    expect(csv.find((line) => line.startsWith("bug-lamport-send-no-tick,"))).toMatch(/^bug-lamport-send-no-tick,ok,0,5,5,13,/);
    expect(reference.parts).toEqual({ A: 5 });

    expect(readFileSync(join(out, "junit.xml"), "utf8")).toMatch(/name="extra-fails-late: fails on seeds above 2"><properties>.*<property name="instructor-only" value="true"\/><\/properties><failure/);

    const practice = await grade("--lab", "1", "--seeds", "1", "--only", "lamport-rules", "--practice-only", "--out", join(dir, "out-practice"), pick("reference"));
    expect(practice.stdout).toContain("Lab 1: practice tests only");
    const broken = await grade("--lab", "1", "--instructor-tests", "test/fixtures/instructor-suites/imports-outside.ts", "--out", join(dir, "out-broken"), pick("reference"));
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^The instructor-only tests cannot be used, so nothing was graded: .*imports-outside\.ts: imports "\.\/lab1-extra\.js", outside grader\//);
    expect(existsSync(join(dir, "out-broken", "results.jsonl"))).toBe(false);
  });

  it("writes a gradebook of every submission graded into the folder, not only this command's", async () => {
    const out = join(dir, "out-two-runs");
    const pick = (name: string) => subs.find((s) => s.endsWith(`/${name}`)) as string;
    const options = ["--lab", "1", "--seeds", "1", "--only", "channel-basic,lamport-rules"];
    expect((await grade(...options, "--out", out, pick("reference"))).code).toBe(0);
    const second = await grade(...options, "--out", out, pick("bug-lamport-send-no-tick"));
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain("The gradebook lists all 2 submissions graded into");
    const rows = readFileSync(join(out, "gradebook.csv"), "utf8").trim().split("\n").slice(1);
    expect(rows.map((row) => row.split(",").slice(0, 6).join(","))).toEqual(["bug-lamport-send-no-tick,ok,0,3,3,8", "reference,ok,5,3,8,8"]);
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

  it("unpacks .zip and .tar.gz submissions, and refuses hostile ones without stopping the batch", async () => {
    const reference = subs[0] as string;
    const lab = filesOf(join(reference, "labs/01-fallacies"), "labs/01-fallacies/");
    const zipped = join(dir, "zipped.zip");
    writeFileSync(zipped, zip(lab.map((e) => ({ name: `zipped/${e.path}`, data: e.data as Buffer }))));
    const tarred = join(dir, "tarred.tar.gz");
    await createTar({ gzip: true, file: tarred, cwd: reference }, ["labs"]);
    // The cases that crashed, hung or swelled a batch before: a FIFO in a .tar.gz, a FIFO named *.ts and
    // a link to /dev/zero in a folder, and a zip bomb (60 MB of zeros in a 60 KB zip).
    const fifoTar = join(dir, "fifo-tar.tar.gz");
    writeFileSync(fifoTar, tarGz([...lab, { path: "labs/01-fallacies/evil.ts", type: "FIFO" }]));
    const fifoFolder = join(dir, "fifo-folder");
    cpSync(reference, fifoFolder, { recursive: true });
    execFileSync("mkfifo", [join(fifoFolder, "labs/01-fallacies/evil.ts")]);
    const linkFolder = join(dir, "link-folder");
    cpSync(reference, linkFolder, { recursive: true });
    symlinkSync("/dev/zero", join(linkFolder, "labs/01-fallacies/zero.ts"));
    const bomb = join(dir, "bomb.zip");
    writeFileSync(bomb, zip([...lab.map((e) => ({ name: e.path, data: e.data as Buffer })), { name: "labs/01-fallacies/zeros.txt", data: Buffer.alloc(60 * 1024 * 1024) }]));
    const out = join(dir, "out-archives");
    const batch = [zipped, tarred, fifoTar, fifoFolder, linkFolder, bomb];
    const run = await grade(...FAST, "--out", out, ...batch);
    expect(run.code, run.stderr).toBe(0);
    const records = readJournal(join(out, "results.jsonl"));
    expect(Object.fromEntries([...records.values()].map((r) => [r.id, [r.status, r.score, r.detail]]))).toEqual({
      zipped: ["ok", 8, expect.any(String)],
      tarred: ["ok", 8, expect.any(String)],
      "fifo-tar": ["not-found", 0, "fifo-tar.tar.gz holds a named pipe (FIFO) at labs/01-fallacies/evil.ts; a submission may hold only regular files and folders: remove it and grade it again"],
      "fifo-folder": ["not-found", 0, "fifo-folder holds a named pipe (FIFO) at labs/01-fallacies/evil.ts; a submission may hold only regular files and folders: remove it and grade it again"],
      "link-folder": ["not-found", 0, "link-folder holds a symbolic link (labs/01-fallacies/zero.ts -> /dev/zero); a submission may hold only regular files and folders: put a copy of the file itself in its place (or remove it) and grade it again"],
      bomb: ["not-found", 0, "bomb.zip unpacks to more than 50 MB, the limit for a submission; a lab folder is far smaller: leave out node_modules, build output and data files, then grade it again"],
    });
    // A rerun (it used to crash again on the FIFO) keeps every verdict.
    const again = await grade(...FAST, "--out", out, ...batch);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.match(/skipped \(already graded\)/g)).toHaveLength(batch.length);
  });

  it("refuses an --only that names no test, before grading anything", async () => {
    const out = join(dir, "out-typo");
    const run = await grade("--lab", "1", "--seeds", "1", "--only", "channel-basic,chanel-basic", "--out", out, subs[0] as string);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^Lab 1 has no test "chanel-basic", so nothing was graded\. --only takes these ids:\n {2}lamport-rules +Lamport clock: /);
    expect(run.stderr).toMatch(/\n {2}channel-basic +a reliable network/);
    expect(run.stderr).toMatch(/\(the last \d+ are instructor-only\)/);
    expect(existsSync(join(out, "results.jsonl"))).toBe(false);
  });

  it("resumes a batch killed halfway without grading anything twice or losing a result", async () => {
    const out = join(dir, "out-resume");
    const journal = join(out, "results.jsonl");
    const batch = subs.filter((s) => !s.endsWith("broken-hangs")).slice(0, 5);
    const { child: first } = startGrade(...FAST, "--parallel", "1", "--out", out, ...batch);
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
    // The killed batch's lock is left behind, and taken over.
    expect(second.stdout).toMatch(/^note: Took over .*grading\.lock: the batch that held it \(pid \d+, started .*\) is no longer running\.$/m);
    expect(second.stdout.match(/skipped \(already graded\)/g)).toHaveLength(before.size);
    const lines = readFileSync(journal, "utf8").trim().split("\n").map((l) => (JSON.parse(l) as SubmissionRecord).id);
    expect(lines.sort()).toEqual(batch.map((s) => basename(s)).sort());
    for (const [id, record] of before) expect(readJournal(journal).get(id)).toEqual(record);
  });
});
