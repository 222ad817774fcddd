/**
 * `npm run export`: the learner-facing copy has no solutions, bug zoos or instructor material, and
 * in it the type check and the remaining tests pass (a quick subset of them here), with the tests that
 * need the reference solutions listed as skipped.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../runner/run-lab.js";

const require = createRequire(import.meta.url);
const TSX_CLI = require.resolve("tsx/cli");
let dir: string;
let out: string;

function run(command: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) =>
    execFile(command, args, { cwd, env: { ...process.env, npm_lifecycle_event: "" }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

function walk(top: string): string[] {
  return readdirSync(top).flatMap((name) => {
    const path = join(top, name);
    if (name === "node_modules") return [];
    return statSync(path).isDirectory() ? walk(path) : [relative(dir, path)];
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "export-test-"));
  const result = await run(process.execPath, [TSX_CLI, "grader/cli/export.ts", dir], REPO);
  out = result.stdout;
  if (result.code !== 0) throw new Error(result.stderr);
  // Instead of `npm install`: the same packages, from the lockfile the export carries.
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run export", () => {
  it("leaves out the solutions, the bug zoos and the tests that need them, and says so", () => {
    const files = walk(dir);
    expect(files.filter((f) => f.startsWith("solutions-private") || f.includes("/bugs/"))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(["package.json", "package-lock.json", "labs/01-fallacies/index.ts", "grader/sim/api.ts"]));
    expect(files).not.toContain("test/labs/unit1.test.ts");
    expect(existsSync(join(dir, "test/fixtures/bad-submissions"))).toBe(false);
    expect(out).toContain("test/labs/unit1.test.ts");
    const note = readFileSync(join(dir, "test/reference-solutions.test.ts"), "utf8");
    expect(note).toContain('it.skip("test/labs/unit1.test.ts"');
    for (const file of files.filter((f) => f.endsWith(".ts"))) {
      expect(readFileSync(join(dir, file), "utf8"), file).not.toMatch(/from\s+"[^"]*solutions-private/);
    }
  });

  it("type-checks inside the export (no error the repository itself does not have)", async () => {
    const tsc = (cwd: string) => run(process.execPath, [join(REPO, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", "tsconfig.json"], cwd);
    const [exported, repo] = await Promise.all([tsc(dir), tsc(REPO)]);
    // Work in progress elsewhere in the repository can break the type check in both; the export must add nothing.
    const lines = (text: string) => text.split("\n").filter((line) => /error TS/.test(line));
    const inRepo = new Set(lines(repo.stdout));
    expect(lines(exported.stdout).filter((line) => !inRepo.has(line))).toEqual([]);
    if (repo.code === 0) expect(exported.code).toBe(0);
  });

  it("has no instructor-only tests: the lab command says so when asked for them", async () => {
    expect(walk(dir).filter((f) => f.endsWith("/instructor-suite.ts"))).toEqual([]);
    const lab = await run(process.execPath, [TSX_CLI, "grader/cli/lab.ts", "1", "--instructor"], dir);
    expect(lab.code).toBe(2);
    expect(lab.stderr).toBe("--instructor: they are not part of this copy of the course (solutions-private/01-fallacies/instructor-suite.ts is missing).\n");
  });

  it("runs its tests: the skipped note and a quick subset pass", async () => {
    const vitest = await run(process.execPath, [join(REPO, "node_modules/vitest/vitest.mjs"), "run", "test/reference-solutions.test.ts", "test/sim/determinism.test.ts"], dir);
    expect(vitest.code, vitest.stdout + vitest.stderr).toBe(0);
    expect(vitest.stdout).toMatch(/Tests .*passed.*skipped/);
  });
});
