/**
 * `npm run gradescope -- --lab <unit> [--out file.zip]`: builds Gradescope's autograder zip for a lab.
 * Upload it as the assignment's autograder ("Zip file upload", Ubuntu base image).
 */
import { existsSync, writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildAutograder } from "../instructor/gradescope.js";
import { instructorSuitePath } from "../runner/instructor-tests.js";
import { REPO_ROOT } from "../runner/typecheck.js";
import { findLab } from "../suites/index.js";

if (process.env.npm_lifecycle_event === "gradescope" && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

const { values } = parseArgs({
  options: {
    lab: { type: "string" },
    out: { type: "string" },
    seeds: { type: "string" },
    only: { type: "string" },
    "practice-only": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
});
const entry = values.lab === undefined ? undefined : findLab(values.lab);
if (values.help || entry?.load === undefined) {
  process.stderr.write(
    `Usage: npm run gradescope -- --lab <unit> [--out <file.zip>] [--seeds N] [--only id,id] [--practice-only]\n` +
      `  Builds the Gradescope autograder for an available lab (default out: gradescope-<lab>.zip).\n` +
      `  The lab's instructor-only tests (solutions-private/<lab>/instructor-suite.ts) go in too, shown to\n` +
      `  learners after grades are published; --practice-only leaves them out.\n`,
  );
  process.exit(values.help ? 0 : 2);
}
const out = resolve(values.out ?? `gradescope-${entry.lab}.zip`);
writeFileSync(
  out,
  buildAutograder({
    entry,
    ...(values.seeds !== undefined ? { seeds: Number(values.seeds) } : {}),
    ...(values.only !== undefined ? { only: values.only.split(",") } : {}),
    ...(values["practice-only"] ? { instructorTests: false } : {}),
  }),
);
const instructor = instructorSuitePath(REPO_ROOT, entry.lab);
const hidden = !values["practice-only"] && existsSync(instructor);
process.stdout.write(
  `Wrote ${relative(process.cwd(), out)}: upload it as the autograder of Lab ${entry.unit} (${entry.title}).\n` +
    (hidden ? `It includes the instructor-only tests in ${relative(process.cwd(), instructor)} (visible after grades are published).\n` : "It grades the practice tests only.\n"),
);
