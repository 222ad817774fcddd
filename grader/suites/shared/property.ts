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
  // Re-run the smallest failing input for its message; if the learner's code throws, that propagates.
  const example = outcome.counterexample?.[0] as T;
  const message = check(example);
  t.fail(message ?? `your code gave a wrong answer for ${JSON.stringify(example)} once, then the right one when asked again: keep all state inside the objects you create`);
}
