/**
 * Gradescope's autograder format. `buildAutograder` packs the course's grader into the zip Gradescope
 * takes (setup.sh installs Node 24 and the dependencies; run_autograder grades
 * /autograder/submission); `toGradescope` turns a graded submission into results.json. Every test's
 * output carries its seeds and the command that replays it, so a learner can reproduce a failure.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { LabEntry } from "../suites/index.js";
import { REPO_ROOT } from "../runner/typecheck.js";
import type { SubmissionRecord } from "./batch.js";
import { STATUS_MEANING } from "./status.js";
import { writeZip, type ZipEntry } from "./zip.js";

export interface AutograderOptions {
  entry: LabEntry;
  seeds?: number;
  only?: string[];
}

/** What Gradescope reads from /autograder/results/results.json. */
export interface GradescopeResults {
  score: number;
  output: string;
  stdout_visibility?: "hidden" | "visible";
  tests: { name: string; number?: string; score: number; max_score: number; status: "passed" | "failed"; output: string; visibility: "visible" | "after_published" }[];
}

/** Course files the autograder needs: the grader and how to install it. No labs, no solutions. */
const SHIPPED = ["package.json", "package-lock.json", "tsconfig.json", ".nvmrc", "grader"];

export function buildAutograder(options: AutograderOptions): Buffer {
  const entries: ZipEntry[] = [];
  const add = (path: string) => {
    const full = join(REPO_ROOT, path);
    if (statSync(full).isDirectory()) {
      for (const name of readdirSync(full).sort()) add(join(path, name));
    } else entries.push({ name: path, data: readFileSync(full) });
  };
  for (const path of SHIPPED) add(path);
  entries.push({ name: "setup.sh", data: Buffer.from(SETUP), mode: 0o755 });
  entries.push({ name: "run_autograder", data: Buffer.from(runAutograder(options)), mode: 0o755 });
  return writeZip(entries);
}

const SETUP = `#!/usr/bin/env bash
# Gradescope runs this once, in /autograder/source, when it builds the autograder image.
set -euo pipefail
cd "$(dirname "$0")"
needs_node() {
  ! command -v node >/dev/null 2>&1 || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 24 ]
}
if needs_node; then
  apt-get update && apt-get install -y --no-install-recommends curl ca-certificates xz-utils
  tarball=$(curl -fsSL https://nodejs.org/dist/latest-v24.x/SHASUMS256.txt | grep -o 'node-v24[^ ]*-linux-x64.tar.xz' | head -n 1)
  curl -fsSL "https://nodejs.org/dist/latest-v24.x/$tarball" | tar -xJ -C /usr/local --strip-components=1
fi
node --version
npm ci --no-audit --no-fund
`;

function runAutograder(options: AutograderOptions): string {
  const extra = [
    ...(options.seeds !== undefined ? ["--seeds", String(options.seeds)] : []),
    ...(options.only !== undefined && options.only.length > 0 ? ["--only", options.only.join(",")] : []),
  ];
  return `#!/usr/bin/env bash
# Gradescope runs this for every submission. It always leaves a results.json, even when the
# submission (or the grader) is broken, so the learner sees a message instead of a blank failure.
ROOT="\${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
rm -f "$RESULTS"
cd "$SOURCE" && "$SOURCE/node_modules/.bin/tsx" grader/instructor/gradescope-run.ts --lab ${options.entry.unit} ${extra.join(" ")} --submission "$ROOT/submission" --results "$RESULTS"
if [ ! -s "$RESULTS" ]; then
  echo '{"score": 0, "output": "The autograder itself failed, so your submission was not graded. Please tell the course staff.", "tests": []}' > "$RESULTS"
fi
`;
}

/** The learner's replay command: the same test and seed, on their own labs/ folder. */
function learnerReplay(unit: number, testId: string, seed: number): string {
  return `npm run lab ${unit} -- --only ${testId} --seed ${seed} --trace`;
}

export function toGradescope(record: SubmissionRecord, unit: number): GradescopeResults {
  const result = record.result;
  const lines = [`Lab ${unit}: ${record.score}/${record.maxScore} (grading run: fresh seeds)`];
  if (record.status !== "ok") lines.push(`Status: ${record.status}: ${STATUS_MEANING[record.status]}.`, record.detail);
  if (result?.loadError !== undefined) lines.push("", result.loadError);
  if (record.output !== "") lines.push("", `Console output (${record.outputBytes} bytes; the start):`, record.output.slice(0, 4096));
  const tests = (result?.tests ?? []).map((test) => {
    let output: string;
    if (test.failure) {
      const f = test.failure;
      output = `Failed on seed ${f.seed}${f.time !== undefined ? ` at t=${f.time} ms` : ""}${f.node !== undefined ? ` (node ${f.node})` : ""}:\n${f.message}\n\nReplay it: ${learnerReplay(unit, test.id, f.seed)}`;
    } else if (test.passed) {
      output = `Passed on seeds ${test.seeds.join(", ")}.\nReplay one: ${learnerReplay(unit, test.id, test.seeds[0] as number)}`;
    } else {
      output = `Not run (seeds ${test.seeds.join(", ")}): ${record.detail}`;
    }
    return {
      name: `Part ${test.part}: ${test.name} (${test.id})`,
      score: test.points,
      max_score: test.maxPoints,
      status: test.passed ? ("passed" as const) : ("failed" as const),
      output,
      // The lab's own tests are the practice tests learners can run: visible at once.
      visibility: "visible" as const,
    };
  });
  return { score: record.score, output: lines.join("\n"), stdout_visibility: "hidden", tests };
}

