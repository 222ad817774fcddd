/**
 * `npm run grade -- --lab N --self-test`: proves the grading pipeline on this machine before a cohort's
 * submissions go through it. It writes the lab's sample submissions (samples.ts: the reference, every
 * bug-zoo variant, one broken submission of each kind), grades them with the batch grader exactly as
 * `npm run grade` would (own processes, permission model, deadlines, instructor-only tests), and checks
 * each result: the reference gets full marks, each variant fails the tests that exist to catch it, and
 * each broken one gets its status.
 *
 * The reference and the variants run on the practice seeds, where the course's own tests guarantee
 * those verdicts. The broken ones run only the suite's first test, on one seed: one test is enough to
 * earn their status, and a hanging one then costs one deadline rather than one per test.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { LabSuite } from "../runner/suite.js";
import type { LabEntry } from "../suites/index.js";
import { GRADEBOOK, gradebookCsv, gradeBatch, writeDurably, type SubmissionRecord } from "./batch.js";
import { writeSamples, type Sample } from "./samples.js";

export interface SelfTestOptions {
  entry: LabEntry;
  /** Emptied first; holds samples/ and the gradebook and results of grading them. */
  outDir: string;
  parallel?: number;
  /** Called as each sample is graded. */
  onRecord?(record: SubmissionRecord): void;
}

export interface SelfTestRow {
  sample: string;
  expected: string;
  got: string;
  ok: boolean;
}

export async function selfTest(options: SelfTestOptions): Promise<SelfTestRow[]> {
  const { entry, outDir } = options;
  const suite = (await (entry.load as NonNullable<LabEntry["load"]>)()) as LabSuite<unknown>;
  rmSync(outDir, { recursive: true, force: true });
  const samples = await writeSamples(suite, join(outDir, "samples"));
  const graded = (group: Sample[], extra: object) =>
    gradeBatch({
      entry,
      submissions: group.map((s) => s.path),
      outDir,
      ...(options.parallel !== undefined ? { parallel: options.parallel } : {}),
      ...(options.onRecord ? { onRecord: (record: SubmissionRecord) => options.onRecord?.(record) } : {}),
      ...extra,
    });
  const working = samples.filter((s) => s.expect.kind !== "broken");
  const broken = samples.filter((s) => s.expect.kind === "broken");
  const records = [
    ...(await graded(working, { practiceSeeds: true })),
    ...(await graded(broken, { only: [(suite.tests[0] as { id: string }).id], seeds: 1, deadlineMs: 5000, submissionDeadlineMs: 120_000 })),
  ];
  writeDurably(join(outDir, GRADEBOOK), gradebookCsv(records));
  const byId = new Map(records.map((r) => [r.id, r]));
  return samples.map((sample) => judge(sample, byId.get(sample.name)));
}

function judge(sample: Sample, record: SubmissionRecord | undefined): SelfTestRow {
  const row = (expected: string, got: string, ok: boolean) => ({ sample: sample.name, expected, got, ok });
  if (record === undefined) return row("a result", "none", false);
  const score = `${record.score}/${record.maxScore}`;
  const { expect } = sample;
  switch (expect.kind) {
    case "reference":
      return row("ok, full marks", `${record.status} ${score}`, record.status === "ok" && record.score === record.maxScore);
    case "bug": {
      // A buggy implementation may also run slow or big (a message storm): a deadline or memory limit
      // it misses is a fair verdict. Failing to load, or being stopped by the guard rails, is not.
      const graded = record.status === "ok" || record.status === "timeout" || record.status === "out-of-memory";
      const tests = new Map((record.result?.tests ?? []).map((t) => [t.id, t]));
      const missed = expect.mustFail.filter((id) => tests.get(id)?.passed !== false);
      const got = !graded ? `${record.status}: ${record.detail}` : `${record.status} ${score}, ${missed.length === 0 ? "failed them" : `but passed ${missed.join(", ")}`}`;
      return row(`fails ${expect.mustFail.join(", ")}`, got, graded && missed.length === 0);
    }
    case "broken":
      return row(expect.status, `${record.status}: ${record.detail}`, record.status === expect.status);
  }
}
