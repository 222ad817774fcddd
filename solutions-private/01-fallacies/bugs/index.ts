/**
 * Lab 1's bug zoo: one folder per classic mistake, each a small variant of the reference solution
 * that the suite must fail. `expectedToFail` lists the tests that catch it on the practice seeds (at
 * least those; a variant may fail more, and tests it fails on only a few seeds are left out).
 */
import { bugsOf, type BugVariant } from "../../../grader/runner/bug-zoo.js";

const bug = bugsOf("01-fallacies");

export const BUGS: BugVariant[] = [
  // Part A: logical clocks
  bug("lamport-receive-no-max", "Lamport receive sets time = remote + 1, ignoring its own time", [
    "lamport-rules",
    "lamport-happens-before",
    "lamport-total-order",
  ]),
  bug("lamport-receive-no-increment", "Lamport receive takes max(own, remote) but does not add 1", [
    "lamport-rules",
    "lamport-happens-before",
    "lamport-total-order",
  ]),
  bug("lamport-send-no-tick", "Lamport send puts the current time in the message without ticking", [
    "lamport-rules",
    "lamport-happens-before",
    "lamport-total-order",
  ]),
  bug("lamport-tiebreak-missing", "compareLamport orders by time only: equal times from different nodes compare as 0", [
    "lamport-total-order",
  ]),
  bug("vector-compare-any-smaller", "compareVectors says 'before' when any entry is smaller, so never 'concurrent'", [
    "vector-compare-merge",
  ]),
  bug("vector-receive-no-tick", "vector receive merges but does not increment its own entry", ["vector-happens-before"]),
  bug("vector-missing-entries-ignored", "compareVectors only looks at the keys of a, ignoring nodes only b has", [
    "vector-compare-merge",
  ]),

  // Part B: reliable channel
  bug("channel-no-dedup", "receiver delivers duplicates (already-delivered sequence numbers) again", [
    "channel-duplicates",
    "channel-reorder",
    "channel-acks-lost",
    "channel-late-duplicate",
    "channel-two-senders",
    "channel-sender-restart",
    "channel-random-faults",
    "channel-bounded-state",
  ]),
  bug("channel-no-reorder-buffer", "receiver delivers whatever arrives with seq >= next at once, skipping gaps", [
    "channel-loss",
    "channel-duplicates",
    "channel-reorder",
    "channel-two-senders",
    "channel-sender-restart",
    "channel-long-partition",
    "channel-random-faults",
    "channel-bounded-state",
    "channel-efficiency",
  ]),
  bug("channel-no-retransmit", "sender never retransmits: a lost packet is lost for good", [
    "channel-loss",
    "channel-acks-lost",
    "channel-two-senders",
    "channel-long-partition",
    "channel-random-faults",
    "channel-bounded-state",
    "channel-efficiency",
  ]),
  bug("channel-incarnation-not-persisted", "incarnation kept in memory only: a restarted sender reuses (inc 1, seq 0..)", [
    "channel-sender-restart",
  ]),
  bug("channel-unbounded-dedup", "receiver remembers every (sender, incarnation, seq) ever received in a growing set", [
    "channel-bounded-state",
  ]),
  bug("channel-no-backoff", "retransmission timeout stays at the minimum: no exponential backoff", ["channel-long-partition"]),
  bug("channel-ack-highest-received", "receiver acks one past the highest seq received, not the delivered prefix", [
    "channel-loss",
    "channel-reorder",
    "channel-two-senders",
    "channel-sender-restart",
    "channel-long-partition",
    "channel-random-faults",
    "channel-bounded-state",
    "channel-efficiency",
  ]),
  bug("channel-duplicate-not-acked", "receiver drops duplicates without re-acking, so a lost ack is never repaired", [
    "channel-acks-lost",
  ]),
  bug("channel-rto-never-reset", "the retransmission timeout backs off but is never reset when acks make progress", [
    "channel-recovers-after-outage",
  ]),
  bug("channel-ack-incarnation-ignored", "the sender applies acks without checking their incarnation: a late ack to its previous life acks new messages", [
    "channel-stale-ack-after-restart",
  ]),
  bug("channel-window-counts-unacked", "the send window counts unacknowledged packets, not sequence numbers past the cumulative ack", [
    "channel-lossy-stream-budget",
  ]),

  // Part C: causal broadcast
  bug("causal-fifo-only", "hold-back checks only the origin's entry: FIFO per origin, cross-origin dependencies ignored", [
    "causal-chain",
    "causal-reorder-loss",
    "causal-random-faults",
  ]),
  bug("causal-no-self-delivery", "the origin never delivers its own broadcast to its application", [
    "causal-basic",
    "causal-chain",
    "causal-reorder-loss",
    "causal-random-faults",
    "causal-efficiency",
  ]),
];
