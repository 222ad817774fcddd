/**
 * What Gradescope's run_autograder calls: grades /autograder/submission with the batch grader (its
 * own process, deadlines, guard rails) and writes results.json. It writes one whatever happens: a
 * submission that cannot be graded, or a failure of the grader itself, still gets a result that says so.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { findLab } from "../suites/index.js";
import { gradeBatch, writeDurably } from "./batch.js";
import { toGradescope, type GradescopeResults } from "./gradescope.js";

const { values } = parseArgs({
  options: {
    lab: { type: "string" },
    submission: { type: "string" },
    results: { type: "string" },
    seeds: { type: "string" },
    only: { type: "string" },
    "practice-only": { type: "boolean" },
  },
});
const resultsFile = values.results ?? "/autograder/results/results.json";
const scratch = mkdtempSync(join(tmpdir(), "gradescope-"));
let results: GradescopeResults;
try {
  const entry = findLab(values.lab ?? "");
  if (entry?.load === undefined) throw new Error(`the autograder names lab ${JSON.stringify(values.lab)}, which this grader cannot grade`);
  const [record] = await gradeBatch({
    entry,
    submissions: [values.submission ?? "/autograder/submission"],
    outDir: scratch,
    parallel: 1,
    ...(values["practice-only"] ? { instructorTests: false as const } : {}),
    ...(values.seeds !== undefined ? { seeds: Number(values.seeds) } : {}),
    ...(values.only !== undefined ? { only: values.only.split(",") } : {}),
  });
  if (record === undefined) throw new Error("the batch grader returned no result");
  results = toGradescope(record, entry.unit);
} catch (error) {
  // The learner sees results.json: the grader's stack (which may name the hidden tests' file) goes to
  // the autograder's log, which only staff see.
  console.error(error instanceof Error ? error.stack : String(error));
  results = {
    score: 0,
    output: "The autograder failed before it could grade this submission, so it scored 0. Please tell the course staff (the autograder's log has the details).",
    tests: [],
  };
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
writeDurably(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
