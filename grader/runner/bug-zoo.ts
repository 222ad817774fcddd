/**
 * A lab's bug zoo: one folder per classic mistake, each a small variant of the reference solution
 * that the suite must fail. The registry says which tests catch each one; the repo's own tests
 * check that they do.
 */
export interface BugVariant {
  /** The folder name, named for the mistake. */
  name: string;
  /** The variant's folder, relative to the repo root (what `npm run lab N -- --impl` takes). */
  dir: string;
  /** The mistake, in one line. */
  mistake: string;
  /** Test ids that must fail on this variant on the practice seeds (it may fail more). */
  expectedToFail: string[];
  /**
   * The substance of the message the first test in `expectedToFail` must give on its first failing
   * practice seed: the real cause, in the lab's terms, so that a message cannot regress into blaming
   * a symptom (e.g. /sends \d+ AppendEntries per second/).
   */
  says?: RegExp;
}

/** Returns a helper that describes variants living in `solutions-private/<lab>/bugs/<name>`. */
export function bugsOf(lab: string): (name: string, mistake: string, expectedToFail: string[], says?: RegExp) => BugVariant {
  return (name, mistake, expectedToFail, says) => ({ name, dir: `solutions-private/${lab}/bugs/${name}`, mistake, expectedToFail, ...(says ? { says } : {}) });
}
