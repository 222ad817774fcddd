/**
 * Lab 1's bug zoo: one folder per classic mistake, each a small variant of the reference solution
 * that the suite must fail. `expectedToFail` lists the tests that catch it on the practice seeds (at
 * least those; a variant may fail more, and tests it fails on only a few seeds are left out). `says`
 * is what the first of them must name: the real cause, as its failure message gives it.
 */
import { bugsOf, type BugVariant } from "../../../grader/runner/bug-zoo.js";

const bug = bugsOf("01-fallacies");

export const BUGS: BugVariant[] = [
  // Part A: logical clocks
  bug("lamport-receive-no-max", "Lamport receive sets time = remote + 1, ignoring its own time", ["lamport-rules", "lamport-happens-before", "lamport-total-order"], /every event must advance the clock|Lamport's rule gives max/),
  bug("lamport-receive-no-increment", "Lamport receive takes max(own, remote) but does not add 1", ["lamport-rules", "lamport-happens-before", "lamport-total-order"], /receive\(\d+\) returned \d+, not later than .*every event must advance the clock/),
  bug("lamport-send-no-tick", "Lamport send puts the current time in the message without ticking", ["lamport-rules", "lamport-happens-before", "lamport-total-order"], /send\(\) returned \d+, not later than .*every event must advance the clock/),
  bug("lamport-tiebreak-missing", "compareLamport orders by time only: equal times from different nodes compare as 0", ["lamport-total-order"], /break ties by node id/),
  bug("vector-compare-any-smaller", "compareVectors says 'before' when any entry is smaller, so never 'concurrent'", ["vector-compare-merge"], /returned "before"; the answer is "concurrent" \(some entries of a are smaller than b's and others larger/),
  bug("vector-receive-no-tick", "vector receive merges but does not increment its own entry", ["vector-rules", "vector-happens-before"], /own entry did not go up/),
  bug("vector-receive-double-tick", "vector receive ticks before merging and again after: {n1:1} received on n2 gives {n1:1, n2:2}", ["vector-rules"], /own entry went up by 2/),
  bug("vector-send-no-tick", "vector send returns the current vector without incrementing its own entry", ["vector-rules", "vector-happens-before"], /send\(\) returned .*a send adds 1 to n2's own entry/),
  bug("vector-returns-own-record", "the vector clock returns its own record, so earlier timestamps change later", ["vector-rules", "vector-happens-before"], /has since become .*return a copy/),
  bug("vector-compare-equal-as-before", "compareVectors says 'before' when no entry is larger, so equal timestamps compare 'before'", ["vector-compare-merge"], /returned "before"; the answer is "equal" \(no entry differs/),
  bug("vector-merge-drops-entries-only-in-b", "mergeVectors walks a's entries only, dropping nodes that only b has", ["vector-compare-merge"], /mergeVectors\(.*entry n\d should be \d+ \(the larger of the two\)/),
  bug("vector-missing-entries-ignored", "compareVectors only looks at the keys of a, ignoring nodes only b has", ["vector-compare-merge"], /returned "equal"; the answer is "before" \(.*counting a node missing from a timestamp as 0/),

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
  ], /delivered twice/),
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
  ], /in the order sent, with no gaps/),
  bug("channel-no-retransmit", "sender never retransmits: a lost packet is lost for good", [
    "channel-loss",
    "channel-acks-lost",
    "channel-two-senders",
    "channel-long-partition",
    "channel-random-faults",
    "channel-bounded-state",
    "channel-efficiency",
  ], /sent it 1 time and every copy was lost.*keep retransmitting/),
  bug("channel-timer-not-rearmed", "a retransmission timer that fires retransmits but is not set again", ["channel-loss", "channel-two-senders", "channel-long-partition", "channel-efficiency"], /every copy was lost.*sent n2 nothing at all.*keep retransmitting/),
  bug("channel-incarnation-not-persisted", "incarnation kept in memory only: a restarted sender reuses (inc 1, seq 0..)", ["channel-sender-restart"], /restarted at t=\d+ms with exactly the synced storage it had at its previous start/),
  bug("channel-incarnation-not-synced", "the new incarnation is `set` but never synced, so a restart reads the old one again", ["channel-sender-restart", "channel-stale-ack-after-restart"], /exactly the synced storage it had at its previous start.*sync\(\)/),
  bug("channel-new-incarnation-from-first-arrival", "the receiver starts a sender's new incarnation at the first packet that arrives, not at 0", ["channel-sender-restart", "channel-stale-ack-after-restart"], /first message from n1's incarnation 2 .*starts again at its first message, whichever of its packets arrives first/),
  bug("channel-stale-incarnation-accepted", "the receiver keeps a stream per incarnation and still delivers stragglers from the old one", ["channel-sender-restart"], /a straggler from before the restart must be discarded/),
  bug("channel-receiver-state-shared", "the receiver keeps one next-expected number for all senders, not one per sender", ["channel-two-senders", "channel-random-faults"], /keep what you expect next \(and the early arrivals\) per sender/),
  bug("channel-unbounded-dedup", "receiver remembers every (sender, incarnation, seq) ever received in a growing set", ["channel-bounded-state"], /must stay under 400/),
  bug("channel-shared-sequence", "one sequence counter for all destinations", ["channel-fan-out"], /number each destination's stream on its own/),
  bug("channel-no-backoff", "retransmission timeout stays at the minimum: no exponential backoff", ["channel-long-partition"], /packets during the 8000ms partition.*budget is \d+.*back off/),
  bug("channel-backoff-uncapped", "the retransmission timeout doubles without a cap, so the sender sleeps through the heal", ["channel-long-partition"], /kept doubling, so the sender slept through the heal. Cap the retransmission timeout/),
  bug("channel-rto-below-round-trip", "the retransmission timeout (25 ms) is shorter than a round trip", ["channel-lossy-stream-budget"], /went out before an earlier copy could have been acknowledged.*the retransmission timeout is shorter than a round trip/),
  bug("channel-ack-highest-received", "receiver acks one past the highest seq received, not the delivered prefix", [
    "channel-loss",
    "channel-reorder",
    "channel-two-senders",
    "channel-sender-restart",
    "channel-long-partition",
    "channel-random-faults",
    "channel-bounded-state",
    "channel-efficiency",
  ], /never this message again: .*an ack led it to believe n2 had it/),
  bug("channel-duplicate-not-acked", "receiver drops duplicates without re-acking, so a lost ack is never repaired", ["channel-acks-lost"], /answered none of them: a duplicate usually means the ack was lost, so acknowledge it again/),
  bug("channel-rto-never-reset", "the retransmission timeout backs off but is never reset when acks make progress", ["channel-recovers-after-outage"], /n1 resent a lost message a median of \d{3,}ms after the previous copy, while round trips took a median of \d{1,2}ms/),
  bug("channel-ack-incarnation-ignored", "the sender applies acks without checking their incarnation: a late ack to its previous life acks new messages", ["channel-stale-ack-after-restart"], /an ack speaks only for the incarnation it names/),
  bug("channel-window-counts-unacked", "the send window counts unacknowledged packets, not sequence numbers past the cumulative ack", ["channel-lossy-stream-budget"], /after an earlier copy had arrived and the receiver's reply had reached the sender.*never send past what the receiver will buffer/),

  // Part C: causal broadcast
  bug("causal-fifo-only", "hold-back checks only the origin's entry: FIFO per origin, cross-origin dependencies ignored", ["causal-chain", "causal-held-back-chain", "causal-reorder-loss", "causal-random-faults"], /causally depends on n\d#\d+, so n\d#\d+ must be delivered first/),
  bug("causal-no-self-delivery", "the origin never delivers its own broadcast to its application", ["causal-basic", "causal-chain", "causal-reorder-loss", "causal-random-faults", "causal-efficiency"], /own broadcast: a node must deliver its own broadcasts too/),
  bug("causal-own-broadcast-not-counted", "the origin delivers its own broadcast but does not count it, so its later stamps are wrong", ["causal-basic", "causal-chain", "causal-held-back-chain"], /held this one back: the hold-back condition waits for more than the causal past.*its own included/),
  bug("causal-single-pass", "the hold-back queue is scanned once per arrival, so a message a delivery made ready waits forever", ["causal-held-back-chain", "causal-chain"], /from then on it was ready, but n\d never delivered it: after each delivery, check the held-back messages again/),
  bug("causal-stamp-counts-receipts", "broadcasts are stamped with a vector clock that ticks on every receive, not with delivery counts", ["causal-basic", "causal-chain", "causal-held-back-chain"], /held this one back: the hold-back condition waits for more than the causal past/),
];
