/**
 * Lab 4's bug zoo: one folder per classic mistake, each a small variant of the reference solution
 * that the suite must fail. `expectedToFail` lists the tests that catch it on the practice seeds (at
 * least those; a variant may fail more). The schedule explorer's tests catch every safety mistake
 * that shows within its depth.
 */
import { bugsOf, type BugVariant } from "../../../grader/runner/bug-zoo.js";

const bug = bugsOf("04-consensus");

export const BUGS: BugVariant[] = [
  // Parts A and B: Paxos
  bug("paxos-ignores-promised-values", "the proposer always proposes its own value, ignoring values accepted in the promises", [
    "paxos-explore-after-choice",
    "paxos-value-already-chosen",
    "paxos-highest-ballot",
  ]),
  bug("paxos-first-promise-value", "the proposer adopts the first accepted value it hears of, not the one from the highest ballot", [
    "paxos-explore-highest-ballot",
    "paxos-highest-ballot",
  ]),
  bug("paxos-acceptor-no-sync", "the acceptor writes its promise and acceptance but does not sync before replying", [
    "paxos-explore-after-choice",
    "paxos-acceptor-restart",
  ]),
  bug("paxos-non-unique-ballots", "ballots are bare round numbers, so two proposers can share one", [
    "paxos-explore-preempted",
    "paxos-simultaneous",
  ]),
  bug("paxos-accept-checks-accepted-ballot", "the acceptor checks accept requests against its accepted ballot, not its promise", [
    "paxos-explore-preempted",
    "paxos-preempted-accept",
  ]),
  bug("paxos-duplicate-promises-counted", "the proposer counts promise messages, so a duplicate counts twice towards a majority", [
    "paxos-explore-after-choice",
    "paxos-duplicate-promise",
  ]),
  bug("paxos-learner-counts-messages", "the learner counts accepted messages, not distinct acceptors", ["paxos-random-faults"]),

  // Part C: Ben-Or
  bug("benor-waits-for-all", "each phase waits for all n nodes instead of n - f", ["benor-crashes", "benor-silent-nodes"]),
  bug("benor-majority-of-received", "a node proposes the majority of the reports it received, not more than n/2 of all nodes", [
    "benor-mixed-inputs",
    "benor-crashes",
  ]),

  // Caught by the instructor-only tests (solutions-private/04-consensus/instructor-suite.ts)
  bug("paxos-no-backoff", "a pre-empted proposer retries at once, with no backoff, so duelling proposers keep pre-empting each other", ["paxos-gst-five-proposers"]),
  bug("paxos-fixed-backoff", "a pre-empted proposer waits the same fixed pause before every retry, so duelling proposers collide again and again", ["paxos-gst-five-proposers"]),
  bug("paxos-promise-not-synced", "the acceptor syncs its acceptances but not its promises, so a restarted acceptor forgets what it promised", ["paxos-promise-survives-crash"]),
  bug("benor-decides-on-one-proposal", "a node decides v on a single proposal of v instead of f + 1", ["benor-split-network"]),
  bug("benor-waits-for-majority", "each phase waits for a majority of the nodes instead of n - f (the same only when f is at its maximum)", ["benor-split-network"]),
];
