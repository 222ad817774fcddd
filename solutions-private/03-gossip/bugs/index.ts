/**
 * Lab 3's bug zoo: one folder per classic mistake, each a small variant of the reference solution
 * that the suite must fail. `expectedToFail` lists the tests that catch it on the practice seeds (at
 * least those; a variant may fail more, and tests it fails on only a few seeds are left out). `says`
 * is the substance of the first listed test's message: the real cause, so that messages cannot
 * regress into naming a symptom.
 */
import { bugsOf, type BugVariant } from "../../../grader/runner/bug-zoo.js";

const bug = bugsOf("03-gossip");

export const BUGS: BugVariant[] = [
  // Part A: broadcast
  bug("broadcast-no-anti-entropy", "fire-and-forget gossip: each value is pushed once, with no retry and no anti-entropy", ["broadcast-loss", "broadcast-partition", "broadcast-crash-restart", "broadcast-random-faults"], /never delivered value \d+ .*after the network healed/),
  bug("broadcast-forwarding-storm", "no seen-set on the forwarding path: every copy received is forwarded again", ["broadcast-topologies", "broadcast-duplicates-reorder", "broadcast-partition", "broadcast-random-faults"], /message storm: n\d+ sent \d+ "gossip" messages per second from t=/),
  bug("broadcast-anti-entropy-too-often", "anti-entropy every 20 ms instead of about once a second", ["broadcast-topologies", "broadcast-efficiency-fast"], /message storm: n\d+ sent \d+ "sync" messages per second/),
  bug("broadcast-duplicates-delivered", "the seen-set guards forwarding but not delivery: duplicates reach the application", ["broadcast-topologies", "broadcast-duplicates-reorder", "broadcast-loss", "broadcast-random-faults"], /delivered value \d+ .* twice: .*with no restart in between: check the seen-set before delivering/),
  bug("broadcast-origin-not-delivered", "broadcast() sends the value on but never delivers it at the broadcaster", ["broadcast-topologies", "broadcast-efficiency-fast"], /broadcast value \d+ at t=\d+ms but never delivered it itself/),
  bug("broadcast-seen-not-durable", "the seen-set is not persisted: a restarted node delivers old values again", ["broadcast-crash-restart", "broadcast-random-faults"], /delivered value \d+ .* twice: .*after it restarted at t=\d+ms: it forgot what it had delivered\. Write the seen-set to ctx\.storage and sync\(\)/),
  bug("broadcast-seen-not-synced", "the seen-set is written to storage but never synced: a crash loses it", ["broadcast-crash-restart", "broadcast-random-faults"], /delivered value \d+ .* twice: .*after it restarted at t=\d+ms: it forgot what it had delivered\. Write the seen-set to ctx\.storage and sync\(\)/),
  bug("broadcast-ignores-topology", "gossips to ctx.peers (every node) instead of the topology's neighbours", ["broadcast-topologies", "broadcast-partition", "broadcast-random-faults"], /has links only to .*send only to the neighbours you were given/),
  bug("broadcast-unbatched", "one message per value per link: no batching", ["broadcast-efficiency-batched"], /messages per broadcast must be under 20\. Batch/),
  bug("broadcast-anti-entropy-overlay-only", "anti-entropy syncs only along the push overlay (on a mesh, only with the hub)", ["broadcast-mesh-hub-cut-off"], /only n1 is cut off .*No single point of failure/),

  // Part B: CRDTs
  bug("gcounter-merge-sums", "G-Counter merge adds entries instead of taking their maximum", ["crdt-gcounter-laws"], /counted r\d\.increment\(\d\) .*twice: merging what a replica has already seen must change nothing/),
  bug("gcounter-one-total", "G-Counter as one number merged by maximum: concurrent increments are lost", ["crdt-gcounter-laws"], /The merge at step \d+ .* lost r\d\.increment\(\d\)/),
  bug("gcounter-state-aliased", "G-Counter state() returns the map it keeps updating", ["crdt-gcounter-laws"], /state\(\) taken before step \d+ .* changed/),
  bug("pncounter-one-map", "PN-Counter as one map of signed totals merged by maximum: decrements get lost", ["crdt-pncounter-laws"], /lost r\d\.decrement\(\d\)/),
  bug("orset-plain-tombstone", "OR-Set remove tombstones the element rather than the add tags it has seen", ["crdt-orset-laws"], /r\d\.add\("\w"\) at step \d+ is invisible .*never the element for good/),
  bug("orset-merge-ignores-removes", "OR-Set merge takes in the other replica's adds but not its removes", ["crdt-orset-laws"], /r\d\.remove\("\w"\) \(made at step \d+.*\) is lost at r\d.*an empty replica that merges r\d\.state\(\) has "\w": merge must take in the removes/),
  bug("orset-remove-without-tombstone", "OR-Set remove deletes the add tags it has seen instead of keeping them as tombstones", ["crdt-orset-laws"], /r\d\.remove\("\w"\) \(made at step \d+.*\) is lost at r\d.*keep a tombstone of the tags it cancelled/),
  bug("orset-rebuild-resets-counter", "OR-Set rebuilt from its own state restarts its tag counter: a later re-add reuses a cancelled tag", ["crdt-orset-laws"], /rebuilt from its own state at step \d+ .*reused a tag/),
  bug("orset-state-holds-sets", "OR-Set state() returns its Maps and Sets, which are not JSON", ["crdt-orset-laws"], /r\d\.state\(\)\.adds is a Map .*must be plain JSON/),
  bug("lww-no-tiebreak", "LWW register keeps its own write on equal timestamps: no deterministic tie-break", ["crdt-lww-laws"], /same timestamp \d+: the tie goes to the larger replica id/),
  bug("lww-tiebreak-reversed", "LWW register breaks equal timestamps towards the smaller replica id", ["crdt-lww-laws"], /same timestamp \d+: the tie goes to the larger replica id/),
  bug("crdt-register-local-clock", "register writes timestamped with a per-node write counter instead of ctx.now()", ["crdt-converge-partitions", "crdt-random-faults"], /that value was written by n\d at t=\d+ms, but the last write, by n\d at t=\d+ms, must win: timestamp each write with ctx\.now\(\)/),
  bug("crdt-gossip-on-update-only", "replicas send state only when updated, never periodically", ["crdt-converge-partitions", "crdt-random-faults"], /after the network healed .*keep gossiping state until they converge/),
  bug("crdt-gossip-stops-when-quiet", "a replica stops gossiping once its state has not changed for 2 s", ["crdt-late-heal-nine-replicas"], /keep gossiping state, even long after the last update/),

  // Part C: SWIM
  bug("swim-never-refutes", "a suspected node never refutes the suspicion", ["swim-stalled-member", "swim-false-suspicion", "swim-detect-under-loss"], /awake again for \d+ms, long enough .*suspicions are never refuted/),
  bug("swim-refute-same-incarnation", "a suspected node refutes with the incarnation it was suspected at, which overrides nothing", ["swim-false-suspicion", "swim-stalled-member"], /suspicions are never refuted/),
  bug("swim-suspect-not-told", "gossip about a member is never sent to that member, so a suspect never hears of its suspicion", ["swim-false-suspicion", "swim-stalled-member"], /suspicions are never refuted/),
  bug("swim-no-indirect-probes", "suspects a member after one failed direct ping, with no ping-req", ["swim-false-suspicion", "swim-detect-under-loss"], /probes of live members fail far too often.*ping-req/),
  bug("swim-no-suspicion", "declares a member dead as soon as a probe fails, with no suspicion phase", ["swim-stalled-member", "swim-false-suspicion", "swim-detect-under-loss"], /went straight from alive to dead/),
  bug("swim-probe-shorter-than-round-trip", "ping timeout 40 ms and the whole probe 80 ms, shorter than a round trip (one way takes up to 50 ms)", ["swim-detect-crash", "swim-piggyback"], /indirect probe \(ping-req, ping, ack, ack\) up to 200ms/),
  bug("swim-no-dissemination", "membership updates are never piggybacked: each node learns of a crash only by probing it itself", ["swim-piggyback", "swim-detect-crash", "swim-false-suspicion"], /has declared it dead since t=\d+ms, and \d+ of \d+ live nodes say so, but the news did not reach the others/),
  bug("swim-multicast-updates", "sends each membership change to every member instead of piggybacking it", ["swim-piggyback"], /Piggyback membership updates/),
  bug("swim-short-suspicion", "suspicion timeout of 2 s: a member that stalls for a few seconds is declared dead", ["swim-stalled-member", "swim-stalled-members"], /stalls for up to 2\.5 s must have time to wake up/),
];
