/**
 * JUnit XML, the result format every CI understands: one <testsuite> per submission, one <testcase>
 * per test; a failure carries the seed, the message and the replay command.
 */
import type { SubmissionRecord } from "./batch.js";

export function junitXml(lab: string, records: SubmissionRecord[]): string {
  const suites = records.map((record) => {
    const tests = record.result?.tests ?? [];
    const cases =
      record.result === undefined || record.result.loadError !== undefined
        ? [`    <testcase classname="${esc(`${lab}.${record.id}`)}" name="load"><error message="${esc(record.status)}">${esc(record.detail)}</error></testcase>`]
        : tests.map((test) => {
            const open = `    <testcase classname="${esc(`${lab}.${record.id}.${test.part}`)}" name="${esc(`${test.id}: ${test.name}`)}">`;
            const hidden = test.instructorOnly ? `<property name="instructor-only" value="true"/>` : "";
            const props = `<properties><property name="points" value="${test.points}/${test.maxPoints}"/><property name="seeds" value="${test.seeds.join(" ")}"/>${hidden}</properties>`;
            if (test.passed) return `${open}${props}</testcase>`;
            const f = test.failure;
            const body = f ? `seed ${f.seed}: ${f.message}\nreplay: ${f.replay}` : "failed";
            return `${open}${props}<failure message="${esc(firstLine(f?.message ?? "failed"))}">${esc(body)}</failure></testcase>`;
          });
    const failures = tests.filter((t) => !t.passed).length;
    const errors = record.result === undefined || record.result.loadError !== undefined ? 1 : 0;
    return (
      `  <testsuite name="${esc(`${lab} ${record.id}`)}" tests="${Math.max(cases.length, 1)}" failures="${errors ? 0 : failures}" errors="${errors}" time="${(record.durationMs / 1000).toFixed(3)}">\n` +
      `    <properties><property name="status" value="${esc(record.status)}"/><property name="score" value="${record.score}/${record.maxScore}"/></properties>\n` +
      `${cases.join("\n")}\n  </testsuite>`
    );
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${esc(lab)}">\n${suites.join("\n")}\n</testsuites>\n`;
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? "";
}

/** XML-escapes text, dropping characters XML 1.0 cannot carry at all (most control characters). */
function esc(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}
