/**
 * Rerunning and stopping `npm run grade`, end to end on Lab 1: a rerun regrades what was graded with
 * other options or recorded as a grader error, and repairs a torn journal; a second batch on the same
 * output folder is refused; a batch stopped by SIGINT or SIGTERM records nothing for the submissions
 * in flight (not a grader error), so the rerun grades them.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJournal } from "../../grader/instructor/batch.js";
import { LOCK } from "../../grader/instructor/lock.js";
import { makeSubmissions } from "./make-submissions.js";
import { FAST, grade, startGrade } from "./run-grade.js";

let dir: string;
let reference: string;
let bug: string;
let hangs: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "batch-resume-test-"));
  [reference, bug, hangs] = makeSubmissions(join(dir, "subs"), (name) => ["reference", "bug-lamport-send-no-tick", "broken-hangs"].includes(name)) as [string, string, string];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function until(condition: () => boolean): Promise<void> {
  return new Promise((done) => {
    const poll = setInterval(() => {
      if (condition()) {
        clearInterval(poll);
        done();
      }
    }, 50);
  });
}

/** Pids of `pid`'s children. */
function childrenOf(pid: number): Promise<number[]> {
  return new Promise((done) => execFile("pgrep", ["-P", String(pid)], (_error, stdout) => done(stdout.split("\n").filter(Boolean).map(Number))));
}

describe("rerunning npm run grade", () => {
  it("regrades records graded with other options or as grader errors, and drops a torn last line", async () => {
    const out = join(dir, "out-options");
    const journal = join(out, "results.jsonl");
    const first = await grade(...FAST, "--out", out, reference, bug);
    expect(first.code, first.stderr).toBe(0);
    const graded = readJournal(journal);
    expect(graded.get("reference")?.gradedWith).toEqual({ seeds: 1, only: ["channel-basic", "lamport-rules"], seedMode: "grading", instructorTests: "solutions-private/01-fallacies/instructor-suite.ts", deadlineMs: 3000, submissionDeadlineMs: 900_000, memoryMb: 128 });

    // The reference's record says grader-error; then a batch died while writing the bug's line.
    writeFileSync(journal, `${JSON.stringify({ ...graded.get("reference"), status: "grader-error", detail: "boom" })}\n${JSON.stringify(graded.get("bug-lamport-send-no-tick")).slice(0, 50)}`);
    const second = await grade(...FAST, "--out", out, reference, bug);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^note: .*results\.jsonl: dropped 1 unreadable line \(a batch was stopped while writing\); its submission is graded again\.$/m);
    expect(second.stdout).toContain("note: Grading again 1 submission recorded as grader-error: reference.");
    expect(second.stdout).toMatch(/^graded in .* 8\/8 +ok +reference$/m);
    expect(second.stdout).toMatch(/^graded in .* 3\/8 +ok +bug-lamport-send-no-tick$/m);
    expect(readFileSync(journal, "utf8").trim().split("\n").map((line) => JSON.parse(line).id).sort()).toEqual(["bug-lamport-send-no-tick", "reference", "reference"]);

    const same = await grade(...FAST, "--out", out, reference, bug);
    expect(same.stdout.match(/^skipped \(already graded\) /gm)).toHaveLength(2);

    const third = await grade(...FAST.map((a) => (a === "channel-basic,lamport-rules" ? "lamport-rules" : a)), "--out", out, reference, bug);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toContain('note: Grading again 2 submissions graded with other options (only ["channel-basic","lamport-rules"], now ["lamport-rules"]): reference, bug-lamport-send-no-tick.');
    expect(third.stdout).not.toContain("skipped");
    expect(readJournal(journal).get("reference")?.maxScore).toBe(5);
  });

  it("refuses a second batch on a busy output folder, takes over a dead batch's lock, and records nothing in flight when stopped", async () => {
    const out = join(dir, "out-stopped");
    const journal = join(out, "results.jsonl");
    // A stale lock: its batch is gone.
    const dead = spawn(process.execPath, ["-e", ""]);
    await new Promise((done) => dead.once("exit", done));
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, LOCK), JSON.stringify({ pid: dead.pid, host: hostname(), started: "earlier" }));
    // broken-hangs keeps a lane busy (its seeds' deadline is 60 s) while the reference is graded.
    const first = startGrade(...FAST.map((a) => (a === "3000" ? "60000" : a)), "--parallel", "2", "--out", out, reference, hangs);
    await until(() => existsSync(journal) && readJournal(journal).has("reference"));

    const second = await grade(...FAST, "--out", out, reference);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(new RegExp(`^The output folder .* is in use by another batch \\(pid ${first.child.pid}, started .*\\): wait for it to finish, or grade into another folder with --out\\.`));

    first.child.kill("SIGINT");
    const stopped = await first.exited;
    expect(stopped.code).toBe(130);
    expect(stopped.stdout).toMatch(new RegExp(`^note: Took over .*${LOCK}: the batch that held it \\(pid ${dead.pid}, started earlier\\) is no longer running\\.$`, "m"));
    expect(stopped.stderr).toContain("SIGINT: stopping; submissions in progress are not recorded");
    expect(stopped.stderr).toContain("Stopped (SIGINT) after recording 1 submission; 1 not recorded (broken-hangs): run the same command again to grade them.");
    expect([...readJournal(journal).values()].map((r) => [r.id, r.status])).toEqual([["reference", "ok"]]);
    expect(existsSync(join(out, LOCK))).toBe(false);
  });

  it("records nothing in flight when SIGTERM reaches the grading processes before the batch", async () => {
    const out = join(dir, "out-terminated");
    const journal = join(out, "results.jsonl");
    const run = startGrade(...FAST.map((a) => (a === "3000" ? "60000" : a)), "--parallel", "2", "--out", out, reference, hangs);
    await until(() => existsSync(journal) && readJournal(journal).has("reference"));
    // As when a container is stopped: every process gets SIGTERM, the batch's children a moment first.
    for (const pid of await childrenOf(run.child.pid as number)) process.kill(pid, "SIGTERM");
    await new Promise((done) => setTimeout(done, 200));
    run.child.kill("SIGTERM");
    const stopped = await run.exited;
    expect(stopped.code).toBe(143);
    expect(stopped.stderr).toContain("1 not recorded (broken-hangs)");
    expect([...readJournal(journal).values()].map((r) => r.status)).toEqual(["ok"]);
  });
});
