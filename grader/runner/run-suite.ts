/**
 * Runs a suite in this process, without workers: for the repo's own tests and for seed sweeps,
 * where the implementation is trusted (the reference, a bug-zoo variant, the skeleton).
 */
import type { LabSuite, LabTest } from "./suite.js";
import { runSeed, type RunSeedOptions, type SeedResult } from "./run-seed.js";

export interface InProcessTestResult {
  id: string;
  passed: boolean;
  seeds: number[];
  /** The lowest failing seed's result. */
  failure?: SeedResult;
}

/** Runs `test` on seeds 1..count (or `seeds`), stopping at the first failure. */
export function runTestInProcess<Impl>(
  suite: LabSuite<Impl>,
  test: LabTest<Impl>,
  impl: Impl,
  seeds: readonly number[],
  options: RunSeedOptions = {},
): InProcessTestResult {
  const ran: number[] = [];
  for (const seed of seeds) {
    ran.push(seed);
    const result = runSeed(suite, test, impl, seed, options);
    if (!result.passed) return { id: test.id, passed: false, seeds: ran, failure: result };
  }
  return { id: test.id, passed: true, seeds: ran };
}

/** Practice seeds of a test: 1..N, where N is the test's own count unless `override` is given. */
export function practiceSeeds(test: LabTest<unknown>, override?: number): number[] {
  const n = override ?? test.seeds ?? 5;
  return Array.from({ length: n }, (_, i) => i + 1);
}
