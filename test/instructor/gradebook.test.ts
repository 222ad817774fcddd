/**
 * The gradebook's columns add up: practice points per part, then the instructor-only points, then
 * their total. Rows are read from the journal's records, including those written before practice and
 * instructor-only points were kept apart (their `parts` counted both; their `result` tells them apart).
 */
import { describe, expect, it } from "vitest";
import { gradebookCsv, type SubmissionRecord } from "../../grader/instructor/batch.js";
import type { GradeResult, TestResult } from "../../grader/runner/grade.js";

const test = (id: string, part: string, points: number, maxPoints: number, instructorOnly = false): TestResult => ({
  id,
  name: id,
  part,
  points,
  maxPoints,
  passed: points === maxPoints,
  seeds: [1],
  ...(instructorOnly ? { instructorOnly: true as const } : {}),
});

function record(id: string, tests: TestResult[], parts: Record<string, number>): SubmissionRecord {
  const score = tests.reduce((sum, t) => sum + t.points, 0);
  const maxScore = tests.reduce((sum, t) => sum + t.maxPoints, 0);
  const hidden = tests.filter((t) => t.instructorOnly);
  const result: GradeResult = { lab: "02-mapreduce", title: "T", implementation: id, mode: "grading", score, maxScore, durationMs: 1, tests };
  return {
    id,
    source: id,
    status: "ok",
    detail: "",
    score,
    maxScore,
    parts,
    instructorOnly: { points: hidden.reduce((sum, t) => sum + t.points, 0), maxPoints: hidden.reduce((sum, t) => sum + t.maxPoints, 0) },
    seeds: {},
    durationMs: 1,
    outputBytes: 0,
    output: "",
    result,
  };
}

describe("gradebook.csv", () => {
  it("has practice parts, then instructor-only, then a total that is their sum, for old records too", () => {
    const tests = [test("a1", "A", 40, 40), test("b1", "B", 55, 60), test("c1", "C", 8, 20), test("c2", "C", 13, 20, true)];
    // Written before the split: part C counted the instructor-only test's 13 points as well.
    const old = record("ada", tests, { A: 40, B: 55, C: 21 });
    const current = record("bo", tests, { A: 40, B: 55, C: 8 });
    const [header, ...rows] = gradebookCsv([current, old]).trim().split("\n");
    expect(header).toBe("id,status,part A,part B,part C,instructor-only,total,max,seeds,detail");
    for (const row of rows) {
      const [, , a, b, c, hidden, total, max] = (row as string).split(",").map(Number);
      expect([a, b, c, hidden, total, max]).toEqual([40, 55, 8, 13, 116, 140]);
      expect((a as number) + (b as number) + (c as number) + (hidden as number)).toBe(total);
    }
    // Sorted by id, whatever order the journal holds them in.
    expect(rows.map((row) => row.split(",")[0])).toEqual(["ada", "bo"]);
  });
});
