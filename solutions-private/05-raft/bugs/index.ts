/**
 * Lab 5's bug zoo: one folder per classic Raft mistake, each a small subclass of the reference that
 * overrides one method. `expectedToFail` lists tests that catch it on the practice seeds (at least
 * those; most variants fail more, listed in each entry's comment where it helps).
 */
import { bugsOf, type BugVariant } from "../../../grader/runner/bug-zoo.js";

const bug = bugsOf("05-raft");

export const BUGS: BugVariant[] = [
  // 5A: elections
  bug("election-timeout-fixed", "every node uses the same election timeout: split votes forever", ["election-initial", "election-many"]),
  bug("heartbeat-too-often", "heartbeats every 10 ms: correct, but far over the message budgets", ["election-timing", "agree-rpc-counts"]),
  bug("vote-cleared-same-term", "hearing from the leader of the current term clears votedFor: a second vote in the same term", [
    "election-stale-messages",
    "figure8-scripted",
  ]),
  bug("up-to-date-by-length", "the election restriction compares log lengths, not last terms", ["agree-rejoin", "agree-backup", "persist-more"]),

  // 5B: replication and commitment
  bug("commit-previous-term", "the leader commits old-term entries by counting replicas (Figure 8)", ["figure8-scripted"]),
  bug("truncate-always", "a follower truncates its log after prevLogIndex on every AppendEntries", ["agree-unreliable", "agree-reordered"]),
  bug("commit-without-min", "a follower sets commitIndex = leaderCommit, without min(last new entry)", ["agree-backup"]),
  bug("match-from-own-log", "the leader sets matchIndex to its own last index on success", ["agree-concurrent", "agree-reordered", "figure8"]),

  // 5C: persistence
  bug("term-vote-not-persisted", "currentTerm and votedFor are kept only in memory", ["persist-basic", "persist-vote-restart", "figure8"]),
  bug("log-not-synced", "new log entries are not synced before the follower acknowledges them", ["persist-crash-after-ack", "persist-basic"]),

  // 5D: snapshots
  bug("snapshot-rewinds", "InstallSnapshot always installed: stale snapshots rewind the service and drop a newer matching log", [
    "snapshot-stale-install",
    "snapshot-install-unreliable",
  ]),
  bug("snapshot-not-persisted", "the log is trimmed on disk but the snapshot itself is not persisted", ["snapshot-all-crash", "snapshot-init"]),
  bug("log-never-trimmed", "snapshot() is accepted but the log is never discarded", ["snapshot-basic"]),
  bug("restart-skips-snapshot", "after a restart the persisted snapshot is not handed to the service", ["snapshot-init", "snapshot-install-crash"]),

  // Caught by the instructor-only tests (instructor-suite.ts); the practice suite passes them all.
  bug("reply-term-ignored", "a newer term in a reply is ignored: a cut-off leader that rejoins never steps down", ["election-step-down-on-reply"]),
  bug("timer-reset-on-denied-vote", "the election timer is reset on every RequestVote, even a denied one: stale candidates keep up-to-date nodes from running", [
    "election-stale-campaigners",
  ]),
  bug("stale-vote-counted", "a candidate counts votes granted in earlier terms: elected with a stale log on late replies", ["election-stale-vote-replies"]),
  bug("stale-ack-counted", "a leader acts on AppendEntries replies from its earlier terms: matchIndex/nextIndex jump past the follower's log", [
    "agree-stale-append-replies",
  ]),
  bug("backup-one-at-a-time", "a rejected AppendEntries backs nextIndex up by one entry: a round trip per entry to catch up", ["agree-catch-up-far-behind"]),
];
