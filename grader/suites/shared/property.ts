/**
 * Property checks inside a graded test: fast-check draws inputs from the test's seed, shrinks a
 * failing input to a small one, and the test fails with a message about that small input.
 */
import fc from "fast-check";
import type { TestContext } from "../../runner/suite.js";

/** `check` returns null when the property holds for `input`, or a message in the lab's terms. */
export function checkProperty<T>(t: TestContext, input: fc.Arbitrary<T>, check: (value: T) => string | null, numRuns = 200): void {
  const outcome = fc.check(
    fc.property(input, (value) => check(value) === null),
    { seed: t.seed, numRuns },
  );
  if (!outcome.failed) return;
  const example = outcome.counterexample?.[0] as T;
  let message: string | null;
  try {
    message = check(example);
  } catch (error) {
    throw error;
  }
  if (outcome.errorInstance) throw outcome.errorInstance;
  t.fail(message ?? `property failed for ${JSON.stringify(example)}`);
}
