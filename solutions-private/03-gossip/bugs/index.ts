/**
 * Lab 3's bug zoo: one folder per classic mistake, each a small variant of the reference solution
 * that the suite must fail. `expectedToFail` lists the tests that catch it on the practice seeds (at
 * least those; a variant may fail more, and tests it fails on only a few seeds are left out).
 */
import { bugsOf, type BugVariant } from "../../../grader/runner/bug-zoo.js";

const bug = bugsOf("03-gossip");

export const BUGS: BugVariant[] = [
  // Part A: broadcast
  bug("broadcast-no-anti-entropy", "fire-and-forget gossip: each value is pushed once, with no retry and no anti-entropy", ["broadcast-loss", "broadcast-partition", "broadcast-crash-restart", "broadcast-random-faults"]),
  bug("broadcast-forwarding-storm", "no seen-set on the forwarding path: every copy received is forwarded again", ["broadcast-topologies", "broadcast-duplicates-reorder", "broadcast-partition", "broadcast-random-faults"]),
  bug("broadcast-duplicates-delivered", "the seen-set guards forwarding but not delivery: duplicates reach the application", ["broadcast-topologies", "broadcast-duplicates-reorder", "broadcast-loss", "broadcast-random-faults"]),
  bug("broadcast-seen-not-durable", "the seen-set is not persisted: a restarted node delivers old values again", ["broadcast-crash-restart", "broadcast-random-faults"]),
  bug("broadcast-ignores-topology", "gossips to ctx.peers (every node) instead of the topology's neighbours", ["broadcast-topologies", "broadcast-partition", "broadcast-random-faults"]),
  bug("broadcast-unbatched", "one message per value per link: no batching", ["broadcast-efficiency-batched"]),
  bug("broadcast-anti-entropy-overlay-only", "anti-entropy syncs only along the push overlay (on a mesh, only with the hub)", ["broadcast-mesh-hub-cut-off"]),

  // Part B: CRDTs
  bug("gcounter-merge-sums", "G-Counter merge adds entries instead of taking their maximum", ["crdt-gcounter-laws"]),
  bug("pncounter-one-map", "PN-Counter as one map of signed totals merged by maximum: decrements get lost", ["crdt-pncounter-laws"]),
  bug("orset-plain-tombstone", "OR-Set remove tombstones the element rather than the add tags it has seen", ["crdt-orset-laws"]),
  bug("lww-no-tiebreak", "LWW register keeps its own write on equal timestamps: no deterministic tie-break", ["crdt-lww-laws"]),
  bug("crdt-gossip-on-update-only", "replicas send state only when updated, never periodically", ["crdt-converge-partitions", "crdt-random-faults"]),
  bug("crdt-gossip-stops-when-quiet", "a replica stops gossiping once its state has not changed for 2 s", ["crdt-late-heal-nine-replicas"]),

  // Part C: SWIM
  bug("swim-never-refutes", "a suspected node never refutes the suspicion", ["swim-false-suspicion", "swim-detect-under-loss"]),
  bug("swim-no-indirect-probes", "suspects a member after one failed direct ping, with no ping-req", ["swim-false-suspicion", "swim-detect-under-loss"]),
  bug("swim-no-suspicion", "declares a member dead as soon as a probe fails, with no suspicion phase", ["swim-false-suspicion", "swim-detect-under-loss"]),
  bug("swim-multicast-updates", "sends each membership change to every member instead of piggybacking it", ["swim-piggyback"]),
  bug("swim-short-suspicion", "suspicion timeout of 2 s: a member that stalls for a few seconds is declared dead", ["swim-stalled-members"]),
];
