/**
 * Part 5D: snapshots. The service snapshots every 10 entries; MIT 6.5840's snapshot tests in
 * virtual time, a bound on the log a node keeps, and late duplicate InstallSnapshots.
 */
import type { NodeId } from "../../sim/api.js";
import type { LabTest, TestContext } from "../../runner/suite.js";
import { retainedState } from "../../check/state-size.js";
import { Cluster, UNRELIABLE } from "./cluster.js";
import type { Lab5 } from "./interface.js";

export const SNAPSHOT_EVERY = 10;
/** Most values (numbers, strings, collection entries) a node may retain while snapshots are taken. */
export const RETAINED_BOUND = 250;
/** How long a slow follower, under a steady leader, may take to apply a committed command (snapshot-keeps-acknowledged-entries). */
const SLOW_FOLLOWER_APPLY_MS = 3000;


function checkRetained(c: Cluster, t: TestContext): void {
  for (const id of c.ids) {
    const node = c.sim.handlersOf(id);
    if (node === null) continue;
    const size = retainedState(node, c.handedIn(id));
    t.measure("values a node retains", size, { atMost: RETAINED_BOUND, unit: "values" });
    if (size > RETAINED_BOUND) {
      t.fail(`${id} retains ${size} values (numbers, strings, collection entries) at t=${c.now}ms, after ${c.checker.maxCommitted} entries were committed and the service snapshotted every ${SNAPSHOT_EVERY}; the bound is ${RETAINED_BOUND}: discard the log up to the snapshot's index when snapshot() is called`, { node: id });
    }
  }
}

interface SnapOptions {
  disconnect: boolean;
  crash: boolean;
  reliable: boolean;
}

/** MIT's snapcommon: a victim misses entries (cut off or crashed) and must catch up from a snapshot. */
function snapCommon(impl: Lab5, t: TestContext, o: SnapOptions): void {
  const c = new Cluster(impl, t, { nodes: 3, snapshotEvery: SNAPSHOT_EVERY, ...(o.reliable ? {} : { network: UNRELIABLE }) });
  const rng = c.sim.stream("workload");
  c.one(c.command(), 3, true);
  let leader = c.checkOneLeader();
  for (let i = 0; i < 30; i++) {
    let victim = c.after(leader, 1);
    let sender = leader;
    if (i % 3 === 1) {
      sender = c.after(leader, 1);
      victim = leader;
    }
    if (o.disconnect) {
      c.disconnect(victim);
      c.one(c.command(), 2, true);
    }
    if (o.crash) {
      c.crash(victim);
      c.one(c.command(), 2, true);
    }
    const n = SNAPSHOT_EVERY / 2 + rng.int(SNAPSHOT_EVERY);
    for (let k = 0; k < n; k++) if (c.isUp(sender) && c.isConnected(sender)) c.start(sender, c.command());
    c.one(c.command(), o.disconnect || o.crash ? 2 : 3, true);
    checkRetained(c, t);
    if (o.disconnect) {
      c.connect(victim);
      c.one(c.command(), 3, true);
      leader = c.checkOneLeader();
    }
    if (o.crash) {
      c.restart(victim);
      c.one(c.command(), 3, true);
      leader = c.checkOneLeader();
    }
  }
}

export const snapshotTests: LabTest<Lab5>[] = [
  {
    id: "snapshot-basic",
    part: "D",
    name: `snapshots every ${SNAPSHOT_EVERY} entries: the log is discarded up to each snapshot`,
    points: 3,
    run(impl, t) {
      snapCommon(impl, t, { disconnect: false, crash: false, reliable: true });
    },
  },
  {
    id: "snapshot-install",
    part: "D",
    name: "a cut-off node catches up by InstallSnapshot",
    points: 3,
    run(impl, t) {
      snapCommon(impl, t, { disconnect: true, crash: false, reliable: true });
    },
  },
  {
    id: "snapshot-install-unreliable",
    part: "D",
    name: "InstallSnapshot over an unreliable network",
    points: 4,
    run(impl, t) {
      snapCommon(impl, t, { disconnect: true, crash: false, reliable: false });
    },
  },
  {
    id: "snapshot-install-crash",
    part: "D",
    name: "a crashed node restarts from its own snapshot and catches up by InstallSnapshot",
    points: 4,
    run(impl, t) {
      snapCommon(impl, t, { disconnect: false, crash: true, reliable: true });
    },
  },
  {
    id: "snapshot-all-crash",
    part: "D",
    name: "every node crashes and restarts from its snapshot; indices keep growing",
    points: 2,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 3, snapshotEvery: SNAPSHOT_EVERY });
      const rng = c.sim.stream("workload");
      c.one(c.command(), 3, true);
      for (let i = 0; i < 5; i++) {
        const n = SNAPSHOT_EVERY / 2 + rng.int(SNAPSHOT_EVERY);
        for (let k = 0; k < n; k++) c.one(c.command(), 3, true);
        const index1 = c.one(c.command(), 3, true);
        for (const id of c.ids) c.crash(id);
        for (const id of c.ids) c.restart(id);
        const index2 = c.one(c.command(), 3, true);
        if (index2 < index1 + 1) t.fail(`after every node crashed and restarted, a new command went to index ${index2} at t=${c.now}ms, but index ${index1} had been committed before the crash: the log (or snapshot) was not persisted`);
      }
    },
  },
  {
    id: "snapshot-init",
    part: "D",
    name: "a restarted node hands its service the persisted snapshot first, then later entries",
    points: 3,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 3, snapshotEvery: SNAPSHOT_EVERY });
      c.one(c.command(), 3, true);
      for (let i = 0; i < SNAPSHOT_EVERY + 1; i++) c.one(c.command(), 3, true);
      for (let round = 0; round < 2; round++) {
        for (const id of c.ids) c.crash(id);
        for (const id of c.ids) c.restart(id);
        c.one(c.command(), 3, true);
      }
    },
  },
  {
    id: "snapshot-stale-install",
    part: "D",
    name: "InstallSnapshot and AppendEntries to a lagging node arrive again up to 600 ms late",
    points: 3,
    seeds: 8,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 3, snapshotEvery: SNAPSHOT_EVERY });
      const rng = c.sim.stream("adversary");
      c.one(c.command(), 3, true);
      for (let round = 0; round < 4; round++) {
        const leader = c.checkOneLeader();
        const lagging = c.after(leader, 1 + rng.int(2));
        c.disconnect(lagging);
        for (let k = 0; k < 25 + rng.int(20); k++) c.one(c.command(), 2, true);
        c.intercept((m) => (m.to === lagging ? { delaysMs: [1 + rng.int(10), 100 + rng.int(500)] } : undefined));
        c.connect(lagging);
        for (let k = 0; k < 15; k++) {
          c.one(c.command(), 2, true);
          c.advance(rng.int(40));
        }
        c.advance(700);
        c.intercept(null);
        c.one(c.command(), 3, true);
      }
    },
  },
  {
    id: "snapshot-keeps-acknowledged-entries",
    part: "D",
    name: "a follower whose acknowledgements are slow is sent a snapshot that its log already extends: it keeps the entries after it",
    points: 3,
    seeds: 8,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 5, snapshotEvery: SNAPSHOT_EVERY });
      for (let k = 0; k < SNAPSHOT_EVERY; k++) c.one(c.command(), 5, true);
      for (let round = 0; round < 2; round++) {
        const old = c.checkOneLeader();
        const slow = c.after(old, 1);
        // The slow follower's messages take 400 ms; everyone else's messages to the leader take
        // 150 ms. A new leader is elected with the old one cut off, and commands arrive at once.
        c.intercept((m) => {
          if (m.from === slow) return { delaysMs: [400] };
          if (c.status(m.to)?.role === "leader") return { delaysMs: [150] };
          return undefined;
        });
        c.disconnect(old);
        const leader = c.checkOneLeader(` (${old} cut off)`, c.ids.filter((id) => id !== old));
        const first = c.checker.maxCommitted + 1;
        for (let k = 0; k < 15; k++) c.start(leader, c.command());
        c.advance(1500);
        c.intercept(null);
        c.connect(old);
        if (leader === slow || c.status(leader)?.role !== "leader") {
          c.one(c.command(), 5, true);
          continue;
        }
        const r = c.start(leader, c.command());
        const since = c.now;
        if (r?.isLeader) {
          let steady = true;
          while (c.checker.handedUpTo(slow) < r.index && c.now - since < SLOW_FOLLOWER_APPLY_MS) {
            c.advance(10);
            if (c.status(leader)?.role !== "leader" || c.status(leader)?.term !== r.term) steady = false;
          }
          // Held to the deadline only while the leader stayed put and the entry was committed (as the check below).
          const behind = c.checker.handedUpTo(slow) < r.index;
          if (steady && (!behind || c.checker.nCommitted(r.index).count > 0)) {
            t.measure("time for the slow follower to apply the new command", c.now - since + (behind ? 10 : 0), { atMost: SLOW_FOLLOWER_APPLY_MS, unit: "ms" });
          }
          if (steady && c.checker.handedUpTo(slow) < r.index && c.checker.nCommitted(r.index).count > 0) {
            t.fail(`${slow} had applied only up to index ${c.checker.handedUpTo(slow)} by t=${c.now}ms, ${SLOW_FOLLOWER_APPLY_MS}ms after index ${r.index} was started at ${leader} (leader throughout, on a reliable network since t=${since}ms). Earlier, ${leader} sent ${slow} entries from index ${first} before it had committed them, ${slow}'s acknowledgements took 400 ms, and meanwhile ${leader} took a snapshot within those entries and sent it to ${slow}. Since t=${since}ms: ${c.traffic.exchange(leader, slow, since)}. A follower that receives a snapshot whose last entry (index and term) is in its own log must keep the entries after it (Figure 13, step 6): it has acknowledged them, and the leader, which never backs nextIndex below matchIndex + 1, counts on it`, { node: slow });
          }
        }
        c.one(c.command(), 5, true);
      }
    },
  },
];
