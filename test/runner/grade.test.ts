/**
 * gradeLab called directly: the guarantees that need more control than the command line gives
 * (a small memory limit, the number of workers, fresh grading seeds) and the type check.
 */
import { describe, expect, it } from "vitest";
import { gradeLab, type GradeOptions } from "../../grader/runner/grade.js";
import { typecheckImplementation } from "../../grader/runner/typecheck.js";
import { findLab, type LabEntry } from "../../grader/suites/index.js";
import { BAD, REPO } from "./run-lab.js";

const entry = findLab("1") as LabEntry;

function grade(kind: string, options: Partial<GradeOptions>) {
  const implDir = `${REPO}/${BAD}/${kind}`;
  return gradeLab({ entry, implDir, implementationLabel: kind, mode: "practice", typecheck: false, ...options });
}

describe("gradeLab", () => {
  it("fails only the seed that runs out of memory; the pool carries on with a fresh worker", async () => {
    const result = await grade("memory-hog", { only: ["channel-basic", "channel-loss", "lamport-rules"], seeds: 2, memoryMb: 64, workers: 1 });
    expect(result.tests.map((t) => [t.id, t.passed, t.failure?.message])).toEqual([
      ["lamport-rules", true, undefined],
      ["channel-basic", false, "seed 1 ran out of memory (64 MB): unbounded state or a message storm?"],
      ["channel-loss", false, "seed 1 ran out of memory (64 MB): unbounded state or a message storm?"],
    ]);
  });

  it("echoes all of the console output lab code prints, even just before its worker is shut down", async () => {
    let bytes = 0;
    const labOutput = { write: (chunk: Buffer | string) => ((bytes += Buffer.byteLength(chunk)), true) } as unknown as NodeJS.WritableStream;
    const result = await grade("prints-on-import", { only: ["lamport-rules"], seeds: 1, workers: 1, labOutput, echoConsole: true });
    expect(result.tests[0]?.passed).toBe(true);
    // The seed's test instance of the modules prints 300 KB and a newline at its top level.
    expect(bytes).toBe(300 * 1024 + 1);
  });

  it("without echoConsole (batch grading), lab code's console output reaches no output at all", async () => {
    let bytes = 0;
    const labOutput = { write: (chunk: Buffer | string) => ((bytes += Buffer.byteLength(chunk)), true) } as unknown as NodeJS.WritableStream;
    const result = await grade("prints-on-import", { only: ["lamport-rules"], seeds: 1, workers: 1, labOutput });
    expect(result.tests[0]?.passed).toBe(true);
    expect(bytes).toBe(0);
  });

  it("reports the lowest failing seed, however the seeds were spread over workers", async () => {
    // Of seeds 1-10 this submission fails 4, 8, 9 and 10 (see its index.ts).
    for (const workers of [1, 2, 4]) {
      const result = await grade("fails-on-some-seeds", { only: ["channel-basic"], seeds: 10, workers });
      expect(result.tests[0]?.failure?.seed).toBe(4);
      expect(result.tests[0]?.seeds).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }
  });

  it("draws fresh seeds in a grading run and records them", async () => {
    const runs = await Promise.all([1, 2].map(() => grade("math-random", { only: ["lamport-rules"], mode: "grading", seeds: 3 })));
    const [first, second] = runs.map((r) => r.tests[0]?.seeds ?? []);
    expect(first).toHaveLength(3);
    for (const seed of first ?? []) expect(Number.isInteger(seed) && seed >= 1 && seed < 2 ** 31).toBe(true);
    expect(first).not.toEqual(second);
    expect(runs[0]).toMatchObject({ mode: "grading", score: 5, maxScore: 5 });
  });

  it("counts progress up to the total, including the seeds a failure made unnecessary", async () => {
    const seen: [number, number][] = [];
    await grade("fails-on-some-seeds", { only: ["channel-basic"], seeds: 10, workers: 1, onProgress: (done, total) => seen.push([done, total]) });
    expect(seen.at(-1)).toEqual([10, 10]);
    expect(seen.every(([done], i) => i === 0 || done >= (seen[i - 1]?.[0] ?? 0))).toBe(true);
  });
});

describe("typecheckImplementation", () => {
  it("finds nothing wrong with the reference solution", async () => {
    expect(await typecheckImplementation(`${REPO}/solutions-private/01-fallacies`)).toEqual([]);
  });

  it("reports errors as file:line:col - message, relative to the current directory", async () => {
    const errors = await typecheckImplementation(`${REPO}/${BAD}/syntax-error`);
    expect(errors).toEqual([`${BAD}/syntax-error/index.ts:4:23 - Expression expected. (TS1109)`]);
  });
});
