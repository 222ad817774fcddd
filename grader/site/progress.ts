/**
 * The progress page: each lab's latest local result, as `npm run lab` saved it in `.progress/<lab>.json`
 * (see `saveProgress` in grader/runner/grade.ts). Only runs of the learner's own `labs/<lab>` folder
 * are saved, so a bug-zoo or reference run never shows up as the learner's progress.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LABS } from "../suites/index.js";
import { escapeHtml } from "./highlight.js";

export const PROGRESS_DIR = ".progress";

/** What grade.ts saves per lab. */
export interface ProgressRecord {
  lab: string;
  title: string;
  implementation: string;
  mode: "practice" | "grading";
  score: number;
  maxScore: number;
  /** ISO time the run finished. */
  savedAt: string;
  /** Set when the run was limited to some tests (--only) or one seed (--seed). */
  only?: string[];
  seed?: number;
  tests: { id: string; name: string; passed: boolean; points: number; maxPoints: number }[];
}

export interface LabProgress {
  unit: number;
  lab: string;
  title: string;
  available: boolean;
  latest?: ProgressRecord;
}

export function readProgress(root: string): LabProgress[] {
  return LABS.map((entry) => {
    const row: LabProgress = { unit: entry.unit, lab: entry.lab, title: entry.title, available: entry.load !== undefined };
    const file = join(root, PROGRESS_DIR, `${entry.lab}.json`);
    if (existsSync(file)) {
      try {
        row.latest = JSON.parse(readFileSync(file, "utf8")) as ProgressRecord;
      } catch {
        // A half-written or hand-edited file: show the lab as not run rather than break the page.
      }
    }
    return row;
  });
}

export function renderProgress(rows: LabProgress[]): string {
  const body = rows
    .map((row) => {
      const latest = row.latest;
      const name = `Lab ${row.unit}: ${escapeHtml(row.title)}`;
      if (!row.available) return `<tr class="coming"><td>${name}</td><td colspan="4">coming</td></tr>`;
      if (latest === undefined) {
        return `<tr data-lab="${escapeHtml(row.lab)}"><td>${name}</td><td colspan="4">not run yet: <code>npm run lab ${row.unit}</code></td></tr>`;
      }
      // The saved file is read back as it is (a hand edit, a half-written file): every number goes
      // through Number() and every string through escapeHtml(String()), so nothing in it is markup.
      const tests = Array.isArray(latest.tests) ? latest.tests : [];
      const score = Number(latest.score);
      const maxScore = Number(latest.maxScore);
      const passed = tests.filter((t) => t?.passed === true).length;
      const full = score === maxScore && maxScore > 0;
      const scope = [
        ...(Array.isArray(latest.only) ? [`only ${latest.only.map(String).join(", ")}`] : []),
        ...(latest.seed !== undefined ? [`seed ${String(latest.seed)}`] : []),
        latest.mode === "grading" ? "grading run" : "practice run",
      ].join("; ");
      const failing = tests.filter((t) => t?.passed !== true).map((t) => `<li><code>${escapeHtml(String(t?.id))}</code> ${escapeHtml(String(t?.name))}</li>`);
      const pct = maxScore > 0 && Number.isFinite(score) ? Math.max(0, Math.min(100, Math.round((score / maxScore) * 100))) : 0;
      const savedAt = String(latest.savedAt);
      return `<tr data-lab="${escapeHtml(row.lab)}" class="${full ? "full" : "partial"}"><td>${name}</td>` +
        `<td class="score"><span class="bar"><span style="width:${pct}%"></span></span> ${score}/${maxScore}</td>` +
        `<td>${passed} of ${tests.length}${failing.length > 0 ? `<details><summary>failing</summary><ul>${failing.join("")}</ul></details>` : ""}</td>` +
        `<td><time datetime="${escapeHtml(savedAt)}">${escapeHtml(savedAt.replace("T", " ").replace(/\.\d+Z$/, " UTC"))}</time></td>` +
        `<td>${escapeHtml(scope)}</td></tr>`;
    })
    .join("\n");
  return `<article class="prose"><h1 id="progress">Progress</h1>
<p>Each lab's latest result from <code>npm run lab N</code> on your own <code>labs/</code> folder, saved in <code>.progress/</code> on this machine.
Run a lab again to update its row (with <code>npm run site -- --serve</code> this page is current on every reload).</p>
<table class="progress"><thead><tr><th>Lab</th><th>Score</th><th>Tests passed</th><th>When</th><th>Run</th></tr></thead>
<tbody>
${body}
</tbody></table></article>`;
}
