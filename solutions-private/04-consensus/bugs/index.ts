/**
 * Lab 4's bug zoo: one folder per classic mistake, each a small variant of the reference solution
 * that the suite must fail. `expectedToFail` lists the tests that catch it on the practice seeds (at
 * least those; a variant may fail more), the most telling first; `says` is the substance of the
 * message that first test must give: the real cause. The schedule explorer's tests catch every
 * safety mistake that shows within its depth; scripted schedules target each rule of the handout.
 */
import { bugsOf, type BugVariant } from "../../../grader/runner/bug-zoo.js";

const bug = bugsOf("04-consensus");

export const BUGS: BugVariant[] = [
  // Parts A and B: Paxos. Proposer rules.
  bug(
    "paxos-ignores-promised-values",
    "the proposer always proposes its own value, ignoring values accepted in the promises",
    ["paxos-explore-after-choice", "paxos-value-already-chosen", "paxos-highest-ballot"],
    /p2 had been told of "x"[\s\S]*must propose the value accepted in the highest ballot among the promises/,
  ),
  bug(
    "paxos-first-promise-value",
    "the proposer adopts the first accepted value it hears of, not the one from the highest ballot",
    ["paxos-explore-highest-ballot", "paxos-highest-ballot"],
    /p3 had been told of "y"[\s\S]*the value accepted in the highest ballot among the promises/,
  ),
  bug(
    "paxos-duplicate-promises-counted",
    "the proposer counts promise messages, so a duplicate counts twice towards a majority",
    ["paxos-explore-after-choice", "paxos-duplicate-promise"],
    /two different values were chosen[\s\S]*promises \(from a majority of distinct acceptors\)/,
  ),
  bug(
    "paxos-non-unique-ballots",
    "ballots are bare round numbers, so two proposers can share one",
    ["paxos-explore-preempted", "paxos-simultaneous"],
    /in that same ballot: p\d and p\d both proposed in that ballot\. Ballots must be unique/,
  ),
  bug(
    "paxos-proposer-forgets-round",
    "a restarted proposer does not load its round from storage, so it reuses a ballot it used before the crash, for another value",
    ["paxos-proposer-restart"],
    /p1 used that ballot before it crashed and again, for another value, after its restart at t=18ms[\s\S]*never reuse a ballot/,
  ),
  bug(
    "paxos-round-not-synced",
    "the proposer writes its new round to storage without syncing it, so after a crash it reuses the ballot",
    ["paxos-proposer-restart"],
    /used that ballot before it crashed and again[\s\S]*synced before you send with it/,
  ),
  bug(
    "paxos-retry-ignores-refusal",
    "a refused proposer retries with its own next round, ignoring the higher ballot the refusal reported",
    ["paxos-catch-up-ballot"],
    /never went on to phase 2[\s\S]*a retry must use a ballot above every ballot a refusal reports/,
  ),
  bug(
    "paxos-no-retry-on-timeout",
    "the proposer retries after a refusal but not after a timeout, so lost messages leave it waiting forever",
    ["paxos-learner-one-ballot"],
    /p1, p2 stopped trying \(p1 sent its last message at t=10ms\)[\s\S]*must keep retrying, with a higher ballot, after a timeout/,
  ),
  // Acceptor rules.
  bug(
    "paxos-accept-checks-accepted-ballot",
    "the acceptor checks accept requests against its accepted ballot, not its promise",
    ["paxos-explore-preempted", "paxos-preempted-accept"],
    /two different values were chosen[\s\S]*(accepts only in a ballot at least as high as its promise|adopt the value accepted in the highest ballot)/,
  ),
  bug(
    "paxos-accept-needs-higher-ballot",
    "the acceptor accepts only ballots strictly above its promise, so it refuses the accept request for the ballot it promised",
    ["paxos-value-already-chosen", "paxos-simultaneous", "paxos-proposer-restart"],
    /a1 refused an accept request for the very ballot it had promised: a1 answered p1's prepare at t=5ms[\s\S]*a ballot equal to its promise included/,
  ),
  bug(
    "paxos-promises-lower-ballots",
    "the acceptor promises every prepare, so a late prepare with a lower ballot replaces a higher promise",
    ["paxos-late-lower-prepare"],
    /p2 sent its accept request for "y" at t=10ms, before "x" was chosen[\s\S]*accepted in a ballot lower than one it had already promised[\s\S]*never lowers it/,
  ),
  bug(
    "paxos-acceptor-no-sync",
    "the acceptor writes its promise and acceptance but does not sync before replying",
    ["paxos-explore-after-choice", "paxos-acceptor-restart"],
    /a2 accepted "x" at t=15ms, restarted at t=27ms, and then answered p2 without reporting "x"[\s\S]*sync both before the reply/,
  ),
  bug(
    "paxos-accepted-not-synced",
    "the acceptor syncs its promises but not its acceptances, so a restarted acceptor reports nothing accepted",
    ["paxos-acceptor-restart"],
    /accepted "y" at t=15ms, restarted at t=25ms, and then answered p1 without reporting "y"[\s\S]*sync both before the reply/,
  ),
  bug(
    "paxos-acceptor-forgets-accepted",
    "a restarted acceptor loads its promise but not the value it accepted",
    ["paxos-acceptor-restart"],
    /restarted at t=25ms, and then answered p1 without reporting "y"[\s\S]*load both when the node starts/,
  ),
  // Learner rules.
  bug(
    "paxos-learner-counts-messages",
    "the learner counts accepted messages, not distinct acceptors",
    ["paxos-learner-one-ballot", "paxos-random-faults"],
    /p1 decided "x", but no majority of acceptors has accepted "x" in one ballot[\s\S]*distinct acceptors/,
  ),
  bug(
    "paxos-learner-mixes-ballots",
    "the learner counts distinct acceptors per value, adding up acceptances from different ballots",
    ["paxos-learner-one-ballot"],
    /p1 decided "x", but no majority of acceptors has accepted "x" in one ballot[\s\S]*in the same ballot/,
  ),

  // Part C: Ben-Or
  bug(
    "benor-waits-for-all",
    "each phase waits for all n nodes instead of n - f",
    ["benor-crashes", "benor-silent-nodes"],
    /went quiet[\s\S]*crashed, only 3 nodes speak\), all at the same point[\s\S]*wait for n - f = 3 messages per phase, never for all n/,
  ),
  bug(
    "benor-majority-of-received",
    "a node proposes the majority of the reports it received, not more than n/2 of all nodes",
    ["benor-mixed-inputs", "benor-crashes"],
    /went on past that round without deciding[\s\S]*more than n\/2 = 2\.5 of ALL nodes reported v \(not most of the reports you received\)/,
  ),
  bug(
    "benor-stops-at-decision",
    "a node that decides stops at once, without sending its messages for the next round",
    ["benor-mixed-inputs", "benor-crashes"],
    /decided and then sent nothing more[\s\S]*must still send its round r \+ 1 report and proposal/,
  ),
  bug(
    "benor-drops-future-rounds",
    "a node drops messages of rounds it has not reached yet instead of keeping them",
    ["benor-crashes", "benor-silent-nodes"],
    /out of step[\s\S]*keep messages of rounds \(and phases\) it has not reached yet/,
  ),
  bug(
    "benor-coin-despite-proposal",
    "a node with some proposals of v (fewer than f + 1) flips a coin instead of adopting v",
    ["benor-mixed-inputs", "benor-crashes"],
    /agreement is broken[\s\S]*adopt v with fewer \(but at least one\) and flip a coin only with none/,
  ),

  // Caught by the instructor-only tests (solutions-private/04-consensus/instructor-suite.ts)
  bug(
    "paxos-no-backoff",
    "a pre-empted proposer retries at once, with no backoff, so duelling proposers keep pre-empting each other",
    ["paxos-gst-five-proposers"],
    /wait a random backoff that grows with each failure[\s\S]*each one pre-empted[\s\S]*The proposers kept trying to the end/,
  ),
  bug(
    "paxos-fixed-backoff",
    "a pre-empted proposer waits the same fixed pause before every retry, so duelling proposers collide again and again",
    ["paxos-gst-five-proposers"],
    /after the same fixed pause[\s\S]*random backoff that grows with each failure[\s\S]*each one pre-empted[\s\S]*The proposers kept trying to the end/,
  ),
  bug(
    "paxos-promise-not-synced",
    "the acceptor syncs its acceptances but not its promises, so a restarted acceptor forgets what it promised",
    ["paxos-promise-survives-crash"],
    /a1 answered p2 at t=11ms, restarted at t=13ms, and then accepted "x"[\s\S]*forgot the promise it had made p2/,
  ),
  bug(
    "benor-decides-on-one-proposal",
    "a node decides v on a single proposal of v instead of f + 1",
    ["benor-split-network"],
    /agreement is broken[\s\S]*a node decides v only with at least f \+ 1 proposals of v/,
  ),
  bug(
    "benor-waits-for-majority",
    "each phase waits for a majority of the nodes instead of n - f (the same only when f is at its maximum)",
    ["benor-split-network"],
    /agreement is broken[\s\S]*must wait for n - f messages, not merely for a majority/,
  ),
];
