/**
 * The learner-facing copy of the course: everything in the working tree except the reference
 * solutions and bug zoos (solutions-private/), instructor output, and the repo's own tests that need
 * the reference solutions. Those tests are listed, skipped, in test/reference-solutions.test.ts, so
 * `npm test` in the export says plainly what it leaves out and why.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { REPO_ROOT } from "../runner/typecheck.js";

/** Never exported: instructor-only material and local output. */
const PRIVATE = [/^solutions-private\//, /^grades\//, /^traces\//, /^gradescope-.*\.zip$/, /^\.changeset\/(?!README\.md$).*\.md$/];

export interface ExportSummary {
  files: number;
  /** Test files left out because they need the reference solutions. */
  skippedTests: string[];
}

export function exportCourse(outDir: string): ExportSummary {
  if (existsSync(outDir) && readdirSync(outDir).length > 0) throw new Error(`${outDir} is not empty: export into a new folder`);
  const files = listFiles().filter((file) => !PRIVATE.some((pattern) => pattern.test(file)));
  const skipped = testsNeedingSolutions(files);
  const exported = files.filter((file) => !skipped.has(file));
  for (const file of exported) {
    const target = join(outDir, file);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(REPO_ROOT, file), target);
  }
  const skippedTests = [...skipped].filter((file) => file.endsWith(".test.ts")).sort();
  writeFileSync(join(outDir, "test", "reference-solutions.test.ts"), noteFile(skippedTests));
  return { files: exported.length + 1, skippedTests };
}

/** The working tree's files as git sees them (tracked and new, minus what .gitignore ignores). */
function listFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 });
  return [...new Set(out.toString().split("\0").filter((file) => file !== "" && existsSync(join(REPO_ROOT, file))))].sort();
}

/**
 * Files under test/ that need the reference solutions: those that mention solutions-private/ or the
 * --solution flag, and (transitively) those that import one of them.
 */
function testsNeedingSolutions(files: string[]): Set<string> {
  const tests = files.filter((file) => file.startsWith("test/") && file.endsWith(".ts"));
  const text = new Map(tests.map((file) => [file, readFileSync(join(REPO_ROOT, file), "utf8")]));
  const needs = new Set(tests.filter((file) => /solutions-private|--solution\b/.test(text.get(file) as string)));
  for (let changed = true; changed; ) {
    changed = false;
    for (const file of tests) {
      if (needs.has(file)) continue;
      const imports = [...(text.get(file) as string).matchAll(/from\s+"(\.[^"]+)"/g)].map((m) =>
        posix.join(posix.dirname(file), (m[1] as string).replace(/\.js$/, ".ts")),
      );
      if (imports.some((target) => needs.has(target))) {
        needs.add(file);
        changed = true;
      }
    }
  }
  return needs;
}

function noteFile(skipped: string[]): string {
  return `/**
 * Written by \`npm run export\`. The course's own tests below check the grader against the reference
 * solutions and bug zoos, which are not part of the learner's copy of the course, so they are listed
 * here as skipped rather than silently missing. Your own lab is graded with \`npm run lab <unit>\`.
 */
import { describe, it } from "vitest";

describe.skip("needs the reference solutions (solutions-private/), which this copy of the course does not include", () => {
${skipped.map((file) => `  it.skip(${JSON.stringify(file)}, () => {});`).join("\n")}
});
`;
}
