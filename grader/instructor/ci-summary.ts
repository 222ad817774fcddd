/**
 * For a fork's CI (.github/workflows/grade.yml): grades every available lab's labs/ folder on the
 * practice seeds and writes a table of scores as Markdown, to $GITHUB_STEP_SUMMARY when it is set
 * (GitHub shows it on the run's page), else to stdout. Unfinished labs are expected in a fork, so
 * the exit status is 0 unless the grader itself failed.
 */
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { gradeLab } from "../runner/grade.js";
import { REPO_ROOT } from "../runner/typecheck.js";
import { LABS } from "../suites/index.js";

const rows = ["| lab | score | tests passed | first failing test |", "|---|---:|---:|---|"];
for (const entry of LABS) {
  if (entry.load === undefined) continue;
  const result = await gradeLab({ entry, implDir: join(REPO_ROOT, "labs", entry.lab), implementationLabel: `labs/${entry.lab}`, mode: "practice", typecheck: false });
  const passed = result.tests.filter((t) => t.passed).length;
  const failing = result.tests.find((t) => !t.passed);
  const first = result.loadError !== undefined ? "does not load: run `npm run lab " + entry.unit + "`" : failing ? `\`${failing.id}\` (\`${failing.failure?.replay ?? ""}\`)` : "";
  rows.push(`| ${entry.unit}: ${entry.title} | ${result.score}/${result.maxScore} | ${passed}/${result.tests.length} | ${first} |`);
}
const table = `## Lab scores (practice seeds)\n\n${rows.join("\n")}\n`;
if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, table);
process.stdout.write(table);
