/**
 * The replay command batch grading writes into results/<id>.json, run exactly as printed (through
 * npm), must reproduce the batch's verdict. The submission is a Lab 2 lab folder that imports a value
 * from the grader (`outputFile`, as the handout invites), kept where its `../../grader` imports do not
 * reach this grader: inside the course under grades/, and outside it under a fork's own grader.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SubmissionRecord } from "../../grader/instructor/batch.js";
import { traceFolder } from "../../grader/runner/grade.js";
import { REPO } from "../runner/run-lab.js";
import { grade } from "./run-grade.js";

const LAB = "02-mapreduce";
/** Two practice tests (one the submission fails) and an instructor-only one it fails too. */
const ONLY = "mr-word-count,mr-stragglers,mr-many-stragglers";

let inCourse: string;
let fork: string;
let subs: string[];

/** The reference without backup tasks: a straggler holds up every phase. */
function writeSubmission(labFolder: string): void {
  cpSync(join(REPO, "solutions-private", LAB), labFolder, { recursive: true, filter: (from) => !/\/bugs|instructor-suite/.test(from) });
  const coordinator = join(labFolder, "coordinator.ts");
  const code = readFileSync(coordinator, "utf8");
  const patched = code.replace(/(\n {2}protected backupCandidate\([^)]*\): Task \| undefined \{\n)/, "$1    if (phase.length >= 0) return undefined;\n");
  expect(patched).not.toBe(code);
  writeFileSync(coordinator, patched);
}

beforeAll(() => {
  mkdirSync(join(REPO, "grades"), { recursive: true });
  inCourse = mkdtempSync(join(REPO, "grades", "replay-test-"));
  fork = mkdtempSync(join(tmpdir(), "replay-fork-"));
  // ada keeps her lab folder inside the course at another depth; bo sends the folder from his fork.
  writeSubmission(join(inCourse, "ada", "labs", LAB));
  writeSubmission(join(fork, "bo", "labs", LAB));
  mkdirSync(join(fork, "bo", "grader"));
  subs = [join(inCourse, "ada"), join(fork, "bo")];
});
afterAll(() => {
  for (const sub of subs) rmSync(traceFolder(LAB, join(sub, "labs", LAB)), { recursive: true, force: true });
  rmSync(inCourse, { recursive: true, force: true });
  rmSync(fork, { recursive: true, force: true });
});

/** Runs a command line as an instructor would type it, from the repo root, with this Node's npm. */
function shell(command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`, NO_COLOR: "1" };
  delete env.npm_lifecycle_event;
  delete env.INIT_CWD;
  return new Promise((done) =>
    execFile("sh", ["-c", command], { cwd: REPO, env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })),
  );
}

describe("a batch's replay command", () => {
  it("reproduces the batch's verdict, run exactly as results/<id>.json prints it", async () => {
    const out = join(inCourse, "out");
    const run = await grade("--lab", "2", "--seeds", "2", "--only", ONLY, "--out", out, ...subs);
    expect(run.code, run.stderr).toBe(0);
    // One replay each, to stay fast: ada's practice failure, and bo's instructor-only one (--instructor).
    for (const [id, replayedTest] of [["ada", "mr-stragglers"], ["bo", "mr-many-stragglers"]] as const) {
      const record = JSON.parse(readFileSync(join(out, "results", `${id}.json`), "utf8")) as SubmissionRecord;
      expect(record.status, record.detail).toBe("ok");
      const tests = record.result?.tests ?? [];
      expect(tests.find((t) => t.id === "mr-word-count")?.passed).toBe(true);
      const failed = tests.filter((t) => !t.passed);
      expect(failed.map((t) => t.id)).toEqual(["mr-stragglers", "mr-many-stragglers"]);
      for (const test of failed.filter((t) => t.id === replayedTest)) {
        const failure = test.failure as NonNullable<typeof test.failure>;
        expect(failure.replay).toMatch(new RegExp(`^npm run lab 2 -- --only ${test.id} --seed ${failure.seed} --trace (--instructor )?--impl \\S+/${id}/labs/${LAB}$`));
        const again = await shell(failure.replay);
        expect(again.code, again.stdout + again.stderr).toBe(1);
        // The same verdict: the same points for the test, failing on the same seed with the same message.
        expect(again.stdout).toContain(`\nScore: ${test.points}/${test.maxPoints}\n`);
        expect(again.stdout).toContain(`seed ${failure.seed}, t=${failure.time} ms`);
        expect(again.stdout).toContain(failure.message.split("\n")[0]);
        expect(again.stdout).not.toContain("Type errors");
      }
    }
  }, 300_000);
});
