/**
 * `npm run gradescope -- --lab <unit> [--out file.zip]`: builds Gradescope's autograder zip for a lab.
 * Upload it as the assignment's autograder ("Zip file upload", Ubuntu base image).
 */
import { writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildAutograder } from "../instructor/gradescope.js";
import { findLab } from "../suites/index.js";

if (process.env.npm_lifecycle_event === "gradescope" && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

const { values } = parseArgs({
  options: { lab: { type: "string" }, out: { type: "string" }, seeds: { type: "string" }, only: { type: "string" }, help: { type: "boolean", short: "h" } },
});
const entry = values.lab === undefined ? undefined : findLab(values.lab);
if (values.help || entry?.load === undefined) {
  process.stderr.write(
    `Usage: npm run gradescope -- --lab <unit> [--out <file.zip>] [--seeds N] [--only id,id]\n` +
      `  Builds the Gradescope autograder for an available lab (default out: gradescope-<lab>.zip).\n`,
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
  }),
);
process.stdout.write(`Wrote ${relative(process.cwd(), out)}: upload it as the autograder of Lab ${entry.unit} (${entry.title}).\n`);
