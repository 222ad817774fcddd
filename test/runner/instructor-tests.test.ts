/**
 * Instructor-only tests (grader/runner/instructor-tests.ts): graded after the practice tests, marked in
 * the result, replayed with --instructor, delivered to sandboxed workers that cannot read their file,
 * and refused with a clear message when the file breaks the rules.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { gradeLab, GradeOptionsError, type GradeOptions } from "../../grader/runner/grade.js";
import { importInstructorSuite, InstructorSuiteError, packInstructorSuite } from "../../grader/runner/instructor-tests.js";
import { sandboxWorkers } from "../../grader/runner/pool.js";
import { suite } from "../../grader/suites/01-fallacies/index.js";
import { findLab, type LabEntry } from "../../grader/suites/index.js";
import { REPO } from "./run-lab.js";

const entry = findLab("1") as LabEntry;
const FIXTURES = `${REPO}test/fixtures/instructor-suites`;
const REFERENCE = `${REPO}solutions-private/01-fallacies`;

function grade(options: Partial<GradeOptions>) {
  return gradeLab({
    entry,
    implDir: REFERENCE,
    implementationLabel: "solutions-private/01-fallacies",
    mode: "practice",
    typecheck: false,
    workers: 2,
    instructorTests: `${FIXTURES}/lab1-extra.ts`,
    only: ["lamport-rules", "extra-causal-again", "extra-fails-late"],
    ...options,
  });
}

afterEach(() => sandboxWorkers(false));

describe("instructor-only tests", () => {
  it("run after the practice tests, count toward the score, and replay with --instructor", async () => {
    const result = await grade({});
    expect(result.loadError).toBeUndefined();
    expect(result.tests.map((t) => [t.id, t.passed, t.points, t.maxPoints, t.instructorOnly])).toEqual([
      ["lamport-rules", true, 5, 5, undefined],
      ["extra-causal-again", true, 5, 5, true],
      ["extra-fails-late", false, 0, 3, true],
    ]);
    expect([result.score, result.maxScore]).toEqual([10, 13]);
    const failure = result.tests[2]?.failure;
    expect(failure?.seed).toBe(3);
    expect(failure?.message).toBe("seed 3 is above 2");
    expect(failure?.replay).toBe("npm run lab 1 -- --only extra-fails-late --seed 3 --trace --instructor --solution");
  });

  it("reach sandboxed workers that may not read their file", async () => {
    // The workers may read the implementation's folder and the grader: not test/fixtures/.
    sandboxWorkers(true);
    const result = await grade({ only: ["extra-causal-again", "extra-fails-late"] });
    expect(result.loadError).toBeUndefined();
    expect(result.tests.map((t) => [t.id, t.passed])).toEqual([
      ["extra-causal-again", true],
      ["extra-fails-late", false],
    ]);
  });

  it("a file that imports outside grader/ is refused with what to do", async () => {
    const error = await grade({ instructorTests: `${FIXTURES}/imports-outside.ts` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GradeOptionsError);
    expect((error as Error).message).toMatch(/imports-outside\.ts: imports "\.\/lab1-extra\.js", outside grader\/.*import the grader and npm packages only/);
  });

  it("rewrites only real imports, not strings that quote one", async () => {
    const packed = packInstructorSuite(`${FIXTURES}/quotes-an-import.ts`);
    expect(packed.code).toContain(`from "${pathToFileURL(`${REPO}grader/sim/errors.ts`).href}"`);
    expect(packed.code.match(/"\.\/nowhere\.js"/g)).toHaveLength(2);
    const [test] = await importInstructorSuite(packed, suite, "code");
    expect(test?.name).toBe('mentions import { x } from "./nowhere.js"');
  });

  it("an unknown --only id lists the instructor-only tests too", async () => {
    const error = await grade({ only: ["no-such-test"] }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/extra-fails-late[\s\S]*\(the last 2 are instructor-only\)/);
  });

  it("are checked: an id of a practice test, an unknown part, missing points, no export", async () => {
    const check = (code: string) => importInstructorSuite({ file: "suite.ts", code }, suite).then(() => ({ message: "accepted" }), (e: unknown) => e as Error);
    const test = (fields: string) => `export const instructorTests = [{ id: "x", name: "x", part: "A", points: 1, run() {}, ${fields} }];`;
    expect((await check(test(`id: "lamport-rules"`))).message).toContain('test "lamport-rules" has the id of a practice test');
    expect((await check(test(`part: "Z"`))).message).toMatch(/test "x" is in part "Z"; the lab's parts are A, B/);
    expect((await check(test(`points: 0`))).message).toContain("needs a whole number of points above 0");
    expect((await check("export const tests = [];")).message).toContain("must export `instructorTests`");
    expect((await check("export const instructorTests = [];")).message).toBe("accepted");
    expect(() => packInstructorSuite(`${FIXTURES}/missing.ts`)).toThrow(InstructorSuiteError);
  });
});
