/**
 * `npm run grade -- --lab N --self-test`: proves the grading pipeline on this machine before a cohort's
 * submissions go through it. It writes the lab's sample submissions (samples.ts: the reference, every
 * bug-zoo variant, one broken submission of each kind), grades them with the batch grader exactly as
 * `npm run grade` would (own processes, permission model, deadlines, instructor-only tests), and checks
 * each result: the reference gets full marks, each variant fails the tests that exist to catch it, each
 * broken one gets its status, and each attack on the grade earns what its honest part earns (or is
 * refused), with none of its output in the results.
 *
 * The reference and the variants run on the practice seeds, where the course's own tests guarantee
 * those verdicts. The broken ones run only the suite's first test, on one seed: one test is enough to
 * earn their status, and a hanging one then costs one deadline rather than one per test. The attacks run
 * on the tests each names, on the practice seeds.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { LabSuite } from "../runner/suite.js";
import type { LabEntry } from "../suites/index.js";
import { GRADEBOOK, gradebookCsv, gradeBatch, writeDurably, type SubmissionRecord } from "./batch.js";
import { MUST_NOT_LEAK } from "./attacks.js";
import { writeSamples, type Sample } from "./samples.js";

export interface SelfTestOptions {
  entry: LabEntry;
  /** Emptied first; holds samples/ and the gradebook and results of grading them. */
  outDir: string;
  parallel?: number;
  /** Grade only the samples of these kinds (default: all). */
  kinds?: Sample["expect"]["kind"][];
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
  const samples = (await writeSamples(suite, join(outDir, "samples"))).filter((s) => options.kinds?.includes(s.expect.kind) ?? true);
  const graded = (group: Sample[], extra: object) =>
    gradeBatch({
      entry,
      submissions: group.map((s) => s.path),
      outDir,
      ...(options.parallel !== undefined ? { parallel: options.parallel } : {}),
      ...(options.onRecord ? { onRecord: (record: SubmissionRecord) => options.onRecord?.(record) } : {}),
      ...extra,
    });
  const working = samples.filter((s) => s.expect.kind === "reference" || s.expect.kind === "bug");
  const broken = samples.filter((s) => s.expect.kind === "broken");
  const records = [
    ...(await graded(working, { practiceSeeds: true })),
    ...(await graded(broken, { only: [(suite.tests[0] as { id: string }).id], seeds: 1, deadlineMs: 5000, submissionDeadlineMs: 120_000 })),
  ];
  // Attacks graded on the same tests go through one batch.
  const attacks = new Map<string, Sample[]>();
  for (const sample of samples) {
    if (sample.expect.kind !== "attack") continue;
    const key = sample.expect.attack.tests?.join(",") ?? "";
    attacks.set(key, [...(attacks.get(key) ?? []), sample]);
  }
  for (const [tests, group] of attacks) {
    records.push(...(await graded(group, { practiceSeeds: true, ...(tests ? { only: tests.split(",") } : {}), deadlineMs: 10_000 })));
  }
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
    case "attack":
      return judgeAttack(sample, record, row);
  }
}

function judgeAttack(sample: Sample, record: SubmissionRecord, row: (expected: string, got: string, ok: boolean) => SelfTestRow): SelfTestRow {
  const { attack } = sample.expect as Extract<Sample["expect"], { kind: "attack" }>;
  const { outcome } = attack;
  // What a learner sees: the result and its one-line summary (the staff-only gradedWith names the hidden tests' file).
  const recorded = JSON.stringify([record.result, record.detail, record.output]);
  const leaked = MUST_NOT_LEAK.find((secret) => recorded.includes(secret));
  const tests = record.result?.tests ?? [];
  const score = `${record.status} ${record.score}/${record.maxScore}`;
  let expected: string;
  let ok: boolean;
  let got = score;
  switch (outcome.kind) {
    case "refused":
      expected = `refused: ${outcome.status}`;
      got = `${record.status}: ${record.detail}`;
      ok = record.status === outcome.status && record.score === 0 && outcome.says.test(record.result?.loadError ?? record.detail);
      break;
    case "honest":
      expected = "its honest part's full marks";
      ok = record.status === "ok" && record.score === record.maxScore;
      break;
    case "fails": {
      expected = `fails ${outcome.mustFail.join(", ")}`;
      const missed = outcome.mustFail.filter((id) => tests.find((t) => t.id === id)?.passed !== false);
      const firstMessage = tests.find((t) => t.id === outcome.mustFail[0])?.failure?.message ?? "";
      const saysOk = outcome.says === undefined || outcome.says.test(firstMessage);
      got = `${score}, ${missed.length > 0 ? `but passed ${missed.join(", ")}` : saysOk ? "failed them" : `failed them, saying: ${firstMessage.split("\n")[0]}`}`;
      ok = record.status === "ok" && missed.length === 0 && saysOk;
      break;
    }
  }
  if (leaked !== undefined) return row(expected, `${got}; its results contain "${leaked}"`, false);
  return row(expected, got, ok);
}
