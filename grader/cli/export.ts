/**
 * `npm run export -- <dir>`: writes the learner-facing copy of the course to <dir> (a new or empty
 * folder): no reference solutions, bug zoos or instructor-only suites. Inside it, `npm install &&
 * npm test` pass; tests that need the reference solutions are listed as skipped.
 */
import { relative, resolve } from "node:path";
import { exportCourse } from "../instructor/export.js";

if (process.env.npm_lifecycle_event === "export" && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

const target = process.argv[2];
if (target === undefined || target.startsWith("-")) {
  process.stderr.write("Usage: npm run export -- <dir>\n  Writes the learner-facing copy of the course (no solutions) to <dir>.\n");
  process.exit(2);
}
try {
  const summary = exportCourse(resolve(target));
  process.stdout.write(
    `Exported ${summary.files} files to ${relative(process.cwd(), resolve(target)) || "."}.\n` +
      `Left out: solutions-private/ (reference solutions, bug zoos, instructor-only suites) and ${summary.skippedTests.length} test files that need them:\n` +
      summary.skippedTests.map((file) => `  ${file}\n`).join(""),
  );
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}
