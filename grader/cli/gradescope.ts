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

const USAGE =
  `Usage: npm run gradescope -- --lab <unit> [--out <file.zip>] [--seeds N] [--only id,id] [--practice-only]\n` +
  `  Builds the Gradescope autograder for an available lab (default out: gradescope-<lab>.zip).\n` +
  `  The lab's instructor-only tests (solutions-private/<lab>/instructor-suite.ts) go in too, shown to\n` +
  `  learners after grades are published; --practice-only leaves them out.\n`;

function usageError(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      lab: { type: "string" },
      out: { type: "string" },
      seeds: { type: "string" },
      only: { type: "string" },
      "practice-only": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
} catch (error) {
  usageError((error as Error).message);
}
const { values } = parsed;
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (values.lab === undefined) usageError("Which lab? Name it with --lab <unit>, e.g. --lab 1.");
const entry = findLab(values.lab);
if (entry === undefined) usageError(`There is no lab ${JSON.stringify(values.lab)}.`);
if (entry.load === undefined) usageError(`Unit ${entry.unit} (${entry.title}) has no lab to grade yet.`);
if (values.seeds !== undefined && !/^[1-9]\d*$/.test(values.seeds.trim())) usageError(`--seeds needs a whole number of at least 1, got ${JSON.stringify(values.seeds)}.`);
const only = values.only?.split(",").map((id) => id.trim()).filter(Boolean);
if (only !== undefined) {
  const suite = await entry.load();
  const instructor = instructorSuitePath(REPO_ROOT, entry.lab);
  const known = new Set(suite.tests.map((t) => t.id));
  // Instructor-only ids are checked when the autograder runs; the practice ones can be checked now.
  const unknown = only.filter((id) => !known.has(id));
  if (unknown.length > 0 && (values["practice-only"] || !existsSync(instructor))) {
    usageError(`Lab ${entry.unit} has no test ${unknown.map((id) => JSON.stringify(id)).join(", ")}; \`npm run lab ${entry.unit} -- --only x\` lists its tests.`);
  }
}
const out = resolve(values.out ?? `gradescope-${entry.lab}.zip`);
writeFileSync(
  out,
  buildAutograder({
    entry,
    ...(values.seeds !== undefined ? { seeds: Number(values.seeds) } : {}),
    ...(only !== undefined ? { only } : {}),
    ...(values["practice-only"] ? { instructorTests: false } : {}),
  }),
);
const instructor = instructorSuitePath(REPO_ROOT, entry.lab);
const hidden = !values["practice-only"] && existsSync(instructor);
process.stdout.write(
  `Wrote ${relative(process.cwd(), out)}: upload it as the autograder of Lab ${entry.unit} (${entry.title}).\n` +
    (hidden ? `It includes the instructor-only tests in ${relative(process.cwd(), instructor)} (visible after grades are published).\n` : "It grades the practice tests only.\n"),
);
