/**
 * The parts of resuming a batch that need no grading: the journal's torn last line, the output
 * folder's lock, and which recorded submissions a rerun keeps.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SubmissionRecord } from "../../grader/instructor/batch.js";
import { appendDurably, readJournal, repairJournal } from "../../grader/instructor/journal.js";
import { LOCK, LockedError, lockOutputFolder } from "../../grader/instructor/lock.js";
import { gradingOptions, regradeReason } from "../../grader/instructor/resume.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "resume-test-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record = (id: string, extra: Partial<SubmissionRecord> = {}): SubmissionRecord => ({
  id,
  source: id,
  status: "ok",
  detail: "",
  score: 1,
  maxScore: 1,
  parts: {},
  seeds: {},
  durationMs: 1,
  outputBytes: 0,
  output: "",
  ...extra,
});

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", ""]).pid as number;
}

describe("the journal", () => {
  it("drops a torn last line, so the next line appended is read whole", () => {
    const file = join(dir, "torn.jsonl");
    const whole = JSON.stringify(record("ada"));
    writeFileSync(file, `${whole}\n${JSON.stringify(record("bob")).slice(0, 40)}`);
    expect([...readJournal(file).keys()]).toEqual(["ada"]);
    expect(repairJournal(file)).toBe(1);
    expect(readFileSync(file, "utf8")).toBe(`${whole}\n`);
    appendDurably(file, `${JSON.stringify(record("bob"))}\n`);
    expect([...readJournal(file).keys()]).toEqual(["ada", "bob"]);
    expect(repairJournal(file)).toBe(0);
  });

  it("keeps a whole last line that only lacks its newline", () => {
    const file = join(dir, "no-newline.jsonl");
    writeFileSync(file, JSON.stringify(record("ada")));
    expect(repairJournal(file)).toBe(0);
    expect(readFileSync(file, "utf8").endsWith("}\n")).toBe(true);
    expect(repairJournal(join(dir, "absent.jsonl"))).toBe(0);
  });
});

describe("the output folder's lock", () => {
  it("lets one batch at a time in, and says who holds it", () => {
    const out = mkdtempSync(join(dir, "out-"));
    const release = lockOutputFolder(out);
    expect(JSON.parse(readFileSync(join(out, LOCK), "utf8"))).toMatchObject({ pid: process.pid, host: hostname() });
    expect(() => lockOutputFolder(out)).toThrow(LockedError);
    expect(() => lockOutputFolder(out)).toThrow(new RegExp(`is in use by another batch \\(pid ${process.pid}, started .*\\): wait for it to finish, or grade into another folder with --out\\. If no batch is grading there, delete .*${LOCK} and run this again\\.$`));
    release();
    expect(existsSync(join(out, LOCK))).toBe(false);
    lockOutputFolder(out)();
  });

  it("takes over a lock left by a batch that is no longer running, with a note", () => {
    const out = mkdtempSync(join(dir, "out-"));
    const pid = deadPid();
    writeFileSync(join(out, LOCK), `${JSON.stringify({ pid, host: hostname(), started: "2026-01-01T00:00:00.000Z" })}\n`);
    const notes: string[] = [];
    const release = lockOutputFolder(out, (note) => notes.push(note));
    expect(notes).toEqual([expect.stringMatching(new RegExp(`^Took over .*${LOCK}: the batch that held it \\(pid ${pid}, started 2026-01-01T00:00:00.000Z\\) is no longer running\\.$`))]);
    expect(JSON.parse(readFileSync(join(out, LOCK), "utf8")).pid).toBe(process.pid);
    release();
  });

  it("does not take over a lock it cannot read or one held on another machine", () => {
    const out = mkdtempSync(join(dir, "out-"));
    writeFileSync(join(out, LOCK), "");
    expect(() => lockOutputFolder(out)).toThrow(/is in use by another batch: wait/);
    writeFileSync(join(out, LOCK), JSON.stringify({ pid: deadPid(), host: "elsewhere", started: "x" }));
    expect(() => lockOutputFolder(out)).toThrow(/in use by another batch \(pid \d+ on elsewhere, started x\)/);
  });
});

describe("which records a rerun keeps", () => {
  const base = { seeds: 1, only: ["lamport-rules", "channel-basic"], deadlineMs: 3000, memoryMb: 128 };
  const now = gradingOptions(base, undefined);

  it("records the options with their defaults, the --only list as a set", () => {
    expect(now).toEqual({ seeds: 1, only: ["channel-basic", "lamport-rules"], seedMode: "grading", instructorTests: null, deadlineMs: 3000, submissionDeadlineMs: 900_000, memoryMb: 128 });
    expect(gradingOptions({ ...base, only: ["channel-basic", "lamport-rules", "channel-basic"] }, undefined)).toEqual(now);
    expect(gradingOptions({}, undefined)).toMatchObject({ seeds: null, only: null, deadlineMs: 10_000, memoryMb: 512 });
  });

  it("keeps a record graded with the same options, and grades the others again", () => {
    expect(regradeReason(record("ada", { gradedWith: now }), now)).toBeUndefined();
    expect(regradeReason(record("ada", { gradedWith: now, status: "timeout" }), now)).toBeUndefined();
    expect(regradeReason(record("ada", { gradedWith: now, status: "grader-error" }), now)).toBe("recorded as grader-error");
    expect(regradeReason(record("ada"), now)).toBe("graded by an older grader that did not record its options");
    const cases: [Partial<typeof base> & { practiceSeeds?: boolean; submissionDeadlineMs?: number }, string | undefined, string][] = [
      [{ seeds: 3 }, undefined, "seeds 1, now 3"],
      [{ only: ["lamport-rules"] }, undefined, 'only ["channel-basic","lamport-rules"], now ["lamport-rules"]'],
      [{ practiceSeeds: true }, undefined, 'seedMode "grading", now "practice"'],
      [{}, "/somewhere/instructor-suite.ts", 'instructorTests null, now "/somewhere/instructor-suite.ts"'],
      [{ deadlineMs: 5000 }, undefined, "deadlineMs 3000, now 5000"],
      [{ submissionDeadlineMs: 60_000 }, undefined, "submissionDeadlineMs 900000, now 60000"],
      [{ memoryMb: 256 }, undefined, "memoryMb 128, now 256"],
    ];
    for (const [change, tests, shown] of cases) {
      expect(regradeReason(record("ada", { gradedWith: now }), gradingOptions({ ...base, ...change }, tests))).toBe(`graded with other options (${shown})`);
    }
  });
});
