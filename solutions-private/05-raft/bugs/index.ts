/**
 * Lab 5's bug zoo: one folder per classic Raft mistake, each a small subclass of the reference that
 * overrides one method. `expectedToFail` lists tests that catch it on the practice seeds (at least
 * those; most variants fail more). `says` is the substance the first test's message must hold: the
 * real cause, so that a message cannot regress into blaming a symptom.
 */
import { bugsOf, type BugVariant } from "../../../grader/runner/bug-zoo.js";

const bug = bugsOf("05-raft");

export const BUGS: BugVariant[] = [
  // 5A: elections (Figure 2: RequestVote receiver, rules for all servers, candidates)
  bug("election-timeout-fixed", "every node uses the same election timeout: split votes forever", ["election-initial", "election-many"], /split votes or lost requests.*Randomized election timeouts/),
  bug("heartbeat-too-often", "heartbeats every 10 ms: correct, but far over the message budgets", ["election-timing", "agree-rpc-counts"], /sent \d+ messages in 5 s.*heartbeats about 10 times per second/),
  bug("vote-cleared-same-term", "hearing from the leader of the current term clears votedFor: a second vote in the same term", ["election-stale-messages", "figure8-scripted"], /two leaders in term \d+.*vote once per term \(votedFor is cleared only when the term goes up\)/),
  bug("vote-granted-twice", "RequestVote ignores votedFor: any up-to-date candidate of the term gets the vote", ["election-stale-messages"], /two leaders in term \d+.*vote once per term/),
  bug("vote-judged-before-term", "a RequestVote of a newer term is judged (and refused) before the node adopts that term", ["election-initial"], /did not become leader.*they judged the request before adopting its term/),
  bug("candidate-no-self-vote", "a candidate votes for itself but does not count that vote", ["election-reelection"], /its own vote included/),
  bug("candidate-no-retry", "a candidate's election timer is not set again: a split or lost election is never retried", ["election-reelection", "election-split-votes"], /has been a candidate in term \d+ since t=\d+ms.*set the election timer again whenever you become a candidate/),
  bug("candidate-ignores-append", "a candidate that hears from the leader of its own term keeps campaigning", ["election-candidate-follows-winner"], /must become its follower/),
  bug("timer-not-reset-on-append", "a follower does not reset its election timer on AppendEntries from the current leader", ["election-initial", "election-timing"], /reset its election timer on every AppendEntries from the current leader/),
  bug("up-to-date-by-length", "the election restriction compares log lengths, not last terms", ["agree-rejoin", "agree-backup", "persist-more"], /a leader holding that stale entry was elected \(the election restriction, §5\.4\.1\)/),
  bug("up-to-date-ignores-length", "the election restriction compares only last terms: a shorter log of the same last term wins", ["persist-partitioned", "persist-more"], /election restriction \(§5\.4\.1\) let it win without that entry/),

  // 5B: replication and commitment (Figure 2: AppendEntries receiver, rules for leaders)
  bug("commit-previous-term", "the leader commits old-term entries by counting replicas (Figure 8)", ["figure8-scripted"], /overwritten by a leader of a later term.*only entries of its current term \(Figure 8\)/),
  bug("truncate-always", "a follower truncates its log after prevLogIndex on every AppendEntries", ["agree-reordered", "agree-unreliable"], /message storm: n\d sent (n\d )?(about )?[\d,]+/),
  bug("commit-without-min", "a follower sets commitIndex = leaderCommit, without min(last new entry)", ["agree-backup"], /threw while handling a message/),
  bug("match-from-own-log", "the leader sets matchIndex to its own last index on success", ["agree-commit-needs-majority", "agree-concurrent", "figure8"], /never on a majority.*set matchIndex from what the request being answered carried/),
  bug("ack-whole-log", "a follower acknowledges its whole log, not what the request carried", ["agree-stale-suffix-ack"], /rejoined holding 3 uncommitted entries.*never its whole log/),
  bug("append-from-stale-term", "a follower accepts AppendEntries from a leader of an older term", ["agree-rejoin"], /treated a stale entry as committed.*accepts AppendEntries only from the leader of its current term/),
  bug("prev-term-unchecked", "the consistency check looks only for an entry at prevLogIndex, not at its term", ["agree-rejoin", "agree-backup", "figure8-scripted"], /treated a stale entry as committed.*checks prevLogTerm as well as prevLogIndex/),
  bug("commit-without-majority", "the leader's majority is off by one: n/2 copies commit an entry", ["agree-no-majority", "agree-commit-needs-majority"], /committed only once a majority of the whole cluster/),

  // 5C: persistence (Figure 2: persistent state)
  bug("term-vote-not-persisted", "currentTerm and votedFor are kept only in memory", ["persist-basic", "persist-vote-restart", "figure8"], /persist currentTerm .* and sync before sending/),
  bug("vote-not-persisted", "the new term is persisted, but a granted vote is not synced before the reply", ["persist-vote-before-reply"], /crashed and restarted at t=\d+ms still in term \d+.*Persist votedFor and sync before you send the vote/),
  bug("log-not-synced", "new log entries are not synced before the follower acknowledges them", ["persist-crash-after-ack", "persist-basic"], /a node that had acknowledged the entry lost it \(entries must be synced before they are acknowledged\)/),

  // 5D: snapshots (Figure 13: InstallSnapshot receiver; persistence and restart)
  bug("snapshot-rewinds", "InstallSnapshot always installed: stale snapshots rewind the service and drop a newer matching log", ["snapshot-stale-install", "snapshot-install-unreliable"], /Ignore a snapshot that is not newer/),
  bug("snapshot-drops-matching-log", "InstallSnapshot drops the whole log even when the follower's entry at the snapshot's index matches: acknowledged entries are lost", ["snapshot-keeps-acknowledged-entries"], /must keep the entries after it \(Figure 13, step 6\)/),
  bug("snapshot-not-persisted", "the log is trimmed on disk but the snapshot itself is not persisted", ["snapshot-all-crash", "snapshot-init"], /handed its service no snapshot.*Persist the snapshot/),
  bug("log-never-trimmed", "snapshot() is accepted but the log is never discarded", ["snapshot-basic"], /discard the log up to the snapshot's index/),
  bug("restart-skips-snapshot", "after a restart the persisted snapshot is not handed to the service", ["snapshot-init", "snapshot-install-crash"], /first hand the service your persisted snapshot/),

  // Caught by the instructor-only tests (instructor-suite.ts); the practice suite passes them all.
  bug("reply-term-ignored", "a newer term in a reply is ignored: a cut-off leader that rejoins never steps down", ["election-step-down-on-reply"], /a reply as much as a request, must adopt it and step down/),
  bug("timer-reset-on-denied-vote", "the election timer is reset on every RequestVote, even a denied one: stale candidates keep up-to-date nodes from running", ["election-stale-campaigners"], /never stood for election: a node that resets its election timer when it denies a vote/),
  bug("stale-vote-counted", "a candidate counts votes granted in earlier terms: elected with a stale log on late replies", ["election-stale-vote-replies"], /Count a vote only if the reply's term is your current term/),
  bug("stale-ack-counted", "a leader acts on AppendEntries replies from its earlier terms: matchIndex/nextIndex jump past the follower's log", ["agree-stale-append-replies"], /must ignore replies from earlier terms/),
  bug("backup-one-at-a-time", "a rejected AppendEntries backs nextIndex up by one entry: a round trip per entry to catch up", ["agree-catch-up-far-behind"], /Backing up is slow: .*Back up a whole term per rejected AppendEntries/),
  bug("batch-too-small", "AppendEntries carries at most 4 entries: a follower far behind needs a round trip per 4 entries", ["agree-catch-up-far-behind"], /Batches are small: .*about [\d.]+ entries per AppendEntries/),
];
