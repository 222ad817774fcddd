/**
 * Resuming a batch: which recorded submissions a rerun keeps. A record stands only if it was graded
 * with the same options as the rerun (seeds, tests, seed mode, instructor-only tests, deadlines,
 * memory) and is not a grader error; anything else is graded again.
 */
import { relative, sep } from "node:path";
import { REPO_ROOT } from "../runner/typecheck.js";
import type { BatchOptions, SubmissionRecord } from "./batch.js";

/** What a grade depends on besides the submission: a record graded with other options is graded again. */
export interface GradedWith {
  /** Seeds per test; null: each test's own count. */
  seeds: number | null;
  /** The tests graded (sorted); null: all of them. */
  only: string[] | null;
  seedMode: "grading" | "practice";
  /** The instructor-only tests file (relative to the course), or null for the practice suite only. */
  instructorTests: string | null;
  deadlineMs: number;
  submissionDeadlineMs: number;
  memoryMb: number;
}

/** The options as recorded with each submission, defaults filled in. */
export function gradingOptions(options: Pick<BatchOptions, "seeds" | "only" | "practiceSeeds" | "deadlineMs" | "submissionDeadlineMs" | "memoryMb">, instructorTests: string | undefined): GradedWith {
  const only = options.only === undefined || options.only.length === 0 ? null : [...new Set(options.only)].sort();
  return {
    seeds: options.seeds ?? null,
    only,
    seedMode: options.practiceSeeds ? "practice" : "grading",
    instructorTests: instructorTests === undefined ? null : instructorTests.startsWith(REPO_ROOT + sep) ? relative(REPO_ROOT, instructorTests) : instructorTests,
    deadlineMs: options.deadlineMs ?? 10_000,
    submissionDeadlineMs: options.submissionDeadlineMs ?? 15 * 60_000,
    memoryMb: options.memoryMb ?? 512,
  };
}

/** Why a recorded submission must be graded again, or undefined when its record stands. */
export function regradeReason(record: SubmissionRecord, now: GradedWith): string | undefined {
  if (record.status === "grader-error") return "recorded as grader-error";
  if (record.gradedWith === undefined) return "graded by an older grader that did not record its options";
  const was = record.gradedWith;
  const changed = (Object.keys(now) as (keyof GradedWith)[]).filter((key) => JSON.stringify(was[key] ?? null) !== JSON.stringify(now[key]));
  if (changed.length === 0) return undefined;
  return `graded with other options (${changed.map((key) => `${key} ${JSON.stringify(was[key] ?? null)}, now ${JSON.stringify(now[key])}`).join("; ")})`;
}
