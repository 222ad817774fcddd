/**
 * Part 5C: persistence. MIT 6.5840's persistence, Figure 8 and churn tests in virtual time, crashes
 * timed right after a node acknowledges or votes, and randomized fault schedules that are shrunk
 * to a small failing schedule when they fail.
 */
import type { NodeId } from "../../sim/api.js";
import { faultSchedule } from "../../sim/fault-generators.js";
import { RELIABLE_NETWORK } from "../../sim/network.js";
import type { LabTest } from "../../runner/suite.js";
import { quietAfter } from "../shared/adversity.js";
import { Cluster, UNRELIABLE } from "./cluster.js";
import type { Lab5 } from "./interface.js";



/** Crash and restart at once (what MIT calls crash1 then start1). */
function bounce(c: Cluster, id: NodeId): void {
  c.crash(id);
  c.restart(id);
}

/** Figure 8: leaders crash at random moments, often just after starting a command. */
function figure8(impl: Lab5, t: Parameters<LabTest<Lab5>["run"]>[1], unreliable: boolean): void {
  const c = new Cluster(impl, t, { nodes: 5, ...(unreliable ? { network: UNRELIABLE } : {}) });
  const rng = c.sim.stream("figure8");
  c.one(c.command(), 1, true);
  let up = 5;
  for (let iter = 0; iter < 300; iter++) {
    if (unreliable && iter === 100) c.sim.setNetwork({ ...UNRELIABLE, latency: { kind: "long-tail", minMs: 2, alpha: 1.2, maxMs: 2000 } });
    let leader: NodeId | null = null;
    for (const id of c.ids) {
      if (!c.isUp(id) || !c.isConnected(id)) continue;
      if (c.start(id, c.command())?.isLeader) leader = id;
    }
    c.advance(rng.chance(0.1) ? rng.int(500) : rng.int(13));
    if (leader !== null && (!unreliable || rng.chance(0.5))) {
      if (unreliable) c.disconnect(leader);
      else c.crash(leader);
      up--;
    }
    if (up < 3) {
      const s = rng.pick(c.ids);
      if (unreliable && !c.isConnected(s)) {
        c.connect(s);
        up++;
      } else if (!unreliable && !c.isUp(s)) {
        c.restart(s);
        up++;
      }
    }
  }
  c.sim.setNetwork(RELIABLE_NETWORK);
  for (const id of c.ids) {
    if (!c.isUp(id)) c.restart(id);
    if (!c.isConnected(id)) c.connect(id);
  }
  c.one(c.command(), 5, true);
}

/** Churn: nodes cut off, crashed and restarted while commands keep arriving at every node. */
function churn(impl: Lab5, t: Parameters<LabTest<Lab5>["run"]>[1], unreliable: boolean): void {
  const c = new Cluster(impl, t, { nodes: 5, ...(unreliable ? { network: UNRELIABLE } : {}) });
  const rng = c.sim.stream("churn");
  for (let iter = 0; iter < 20; iter++) {
    const steps = 5 + rng.int(20);
    for (let k = 0; k < steps; k++) {
      const id = rng.pick(c.ids);
      if (c.isUp(id)) c.start(id, c.command());
      c.advance(10 + rng.int(40));
    }
    const id = rng.pick(c.ids);
    const roll = rng.next();
    if (roll < 0.2) c.disconnect(id);
    else if (roll < 0.5) {
      if (!c.isUp(id)) c.restart(id);
      c.connect(id);
    } else if (roll < 0.7) c.crash(id);
  }
  c.sim.setNetwork(RELIABLE_NETWORK);
  for (const id of c.ids) {
    if (!c.isUp(id)) c.restart(id);
    c.connect(id);
  }
  c.advance(1000);
  c.one(c.command(), 5, true);
}

export const persistenceTests: LabTest<Lab5>[] = [
  {
    id: "persist-basic",
    part: "C",
    name: "the whole cluster, the leader, and a follower crash and restart; nothing committed is lost",
    points: 2,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 3 });
      c.one(11, 3, true);
      for (const id of c.ids) bounce(c, id);
      c.one(12, 3, true);
      bounce(c, c.checkOneLeader());
      c.one(13, 3, true);
      const leader2 = c.checkOneLeader();
      c.crash(leader2);
      c.one(14, 2, true);
      c.restart(leader2);
      c.wait(4, 3, -1);
      const follower = c.after(c.checkOneLeader(), 1);
      c.crash(follower);
      c.one(15, 2, true);
      c.restart(follower);
      c.one(16, 3, true);
    },
  },
  {
    id: "persist-more",
    part: "C",
    name: "repeated crashes of followers and leaders in a five-node cluster",
    points: 2,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 5 });
      for (let iter = 0; iter < 5; iter++) {
        c.one(c.command(), 5, true);
        const leader1 = c.checkOneLeader();
        c.disconnect(c.after(leader1, 1));
        c.disconnect(c.after(leader1, 2));
        c.one(c.command(), 3, true);
        for (const k of [0, 3, 4]) c.disconnect(c.after(leader1, k));
        for (const k of [1, 2]) {
          bounce(c, c.after(leader1, k));
          c.connect(c.after(leader1, k));
        }
        c.advance(600);
        bounce(c, c.after(leader1, 3));
        c.connect(c.after(leader1, 3));
        c.one(c.command(), 3, true);
        for (const k of [0, 4]) c.connect(c.after(leader1, k));
      }
      c.one(c.command(), 5, true);
    },
  },
  {
    id: "persist-partitioned",
    part: "C",
    name: "a partitioned leader and a follower crash; the leader restarts",
    points: 2,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 3 });
      c.one(101, 3, true);
      const leader = c.checkOneLeader();
      c.disconnect(c.after(leader, 2));
      c.one(102, 2, true);
      c.crash(leader);
      c.crash(c.after(leader, 1));
      c.connect(c.after(leader, 2));
      c.restart(leader);
      c.one(103, 2, true);
      c.restart(c.after(leader, 1));
      c.one(104, 3, true);
    },
  },
  {
    id: "persist-crash-after-ack",
    part: "C",
    name: "the leader and the follower that acknowledged an entry crash the moment it commits",
    points: 3,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 3 });
      c.one(c.command(), 3, true);
      for (let round = 0; round < 4; round++) {
        const leader = c.checkOneLeader();
        const acker = c.after(leader, 1);
        const away = c.after(leader, 2);
        c.disconnect(away);
        const r = c.start(leader, c.command());
        if (r?.isLeader) {
          const since = c.now;
          while (c.nCommitted(r.index).count === 0 && c.now - since < 1000) c.advance(1);
          c.sim.note(`crash ${leader} and ${acker}: ${leader} has just committed index ${r.index}`);
          c.crash(leader);
          c.crash(acker);
          c.restart(acker);
          c.connect(away);
          c.one(c.command(), 2, true);
          c.restart(leader);
        } else c.connect(away);
        c.one(c.command(), 3, true);
      }
    },
  },
  {
    id: "persist-vote-restart",
    part: "C",
    name: "during elections, nodes crash right after sending a message (a vote, a request) and restart",
    points: 2,
    seeds: 8,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 5 });
      const rng = c.sim.stream("crashes");
      let budget = 0;
      c.intercept((m) => {
        if (budget > 0 && rng.chance(0.3) && c.isUp(m.from)) {
          budget--;
          const who = m.from;
          c.sim.at(c.sim.now, `crash ${who} right after it sent a message`, () => c.crash(who));
          c.sim.at(c.sim.now + 1 + rng.int(20), `restart ${who}`, () => c.restart(who));
        }
        return undefined;
      });
      for (let round = 0; round < 8; round++) {
        const leader = c.checkOneLeader();
        c.one(c.command(), 3, true);
        c.disconnect(leader);
        budget = 4;
        c.advance(800);
        budget = 0;
        c.connect(leader);
        c.advance(100);
      }
      c.intercept(null);
      for (const id of c.ids) if (!c.isUp(id)) c.restart(id);
      c.one(c.command(), 5, true);
    },
  },
  {
    id: "persist-vote-before-reply",
    part: "C",
    name: "a voter crashes the moment after it grants a vote and restarts; a second candidate of the same term then asks it",
    points: 2,
    seeds: 8,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 3 });
      c.one(c.command(), 3, true);
      for (let round = 0; round < 3; round++) {
        const voter = c.checkOneLeader();
        const [a, b] = c.ids.filter((id) => id !== voter) as [NodeId, NodeId];
        const term = c.status(voter)?.term ?? 0;
        // The two others cannot hear each other, and the leader's messages are lost while it is
        // still in its term: both time out and run in the same new term, each asking only the voter.
        c.sim.block(a, b);
        c.sim.block(b, a);
        let back = -1;
        c.intercept((m) => {
          if (m.from === voter && back === -1) {
            if ((c.status(voter)?.term ?? term) === term) return { drop: true };
            // The voter has moved to a newer term: this is its answer to the first candidate.
            back = c.now + 2;
            c.sim.at(c.now, `crash ${voter} the moment after it answered ${m.to}`, () => c.crash(voter));
            c.sim.at(back, `restart ${voter}`, () => c.restart(voter));
            return undefined;
          }
          // Requests that reach the voter while it is down wait for its restart.
          if (m.to === voter && c.now < back) return { delaysMs: [back - c.now + 1] };
          return undefined;
        });
        c.advance(1500);
        c.intercept(null);
        c.healAll();
        c.checkOneLeader(` (round ${round + 1}, after the voter ${voter} restarted)`);
        c.one(c.command(), 3, true);
      }
    },
  },
  {
    id: "figure8-scripted",
    part: "C",
    name: "Figure 8, scripted: an old-term entry stored on a majority is not yet committed",
    points: 3,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 5 });
      c.one(c.command(), 5, true);
      // (a) The leader s1 replicates X only to s2.
      const s1 = c.checkOneLeader();
      const s2 = c.after(s1, 1);
      const rest = [c.after(s1, 2), c.after(s1, 3), c.after(s1, 4)];
      c.partition([[s1, s2], rest]);
      const x = c.start(s1, c.command());
      if (!x?.isLeader) return;
      c.advance(50);
      // (b) s1 crashes; s5 is elected by the other side and appends Y locally only, then crashes.
      c.crash(s1);
      const s5 = c.checkOneLeader(" (the three nodes without X)", rest);
      const [o1, o2] = rest.filter((id) => id !== s5) as [NodeId, NodeId];
      c.partition([[s5], [s1, s2, o1, o2]]);
      c.start(s5, c.command());
      c.crash(s5);
      // (c) s1 returns; s1 or s2 is elected and copies X (an entry of an old term) to o1: X is now
      // on a majority (s1, s2, o1) but must not be committed by counting.
      c.restart(s1);
      c.partition([[s1, s2, o1], [o2]]);
      const s3 = c.checkOneLeader(" (s1, s2 and o1, with X)", [s1, s2, o1]);
      c.advance(300);
      c.sim.note(`X (index ${x.index}) is on ${s1}, ${s2} and ${o1}; ${s3} leads`);
      // (d) The leaders with X crash; s5 (whose last entry Y has a newer term than X) can win with
      // o1's and o2's votes and overwrite X.
      c.crash(s1);
      c.crash(s2);
      c.restart(s5);
      c.healAll();
      c.checkOneLeader(" (s5, o1, o2)", [s5, o1, o2]);
      c.one(c.command(), 3, true);
      c.restart(s1);
      c.restart(s2);
      c.one(c.command(), 5, true);
    },
  },
  {
    id: "figure8",
    part: "C",
    name: "Figure 8: leaders crash at random moments, often right after starting a command",
    points: 2,
    run(impl, t) {
      figure8(impl, t, false);
    },
  },
  {
    id: "figure8-unreliable",
    part: "C",
    name: "Figure 8 over an unreliable network with long reordering; leaders cut off at random",
    points: 2,
    run(impl, t) {
      figure8(impl, t, true);
    },
  },
  {
    id: "churn",
    part: "C",
    name: "churn: nodes cut off, crashed and restarted while commands arrive at every node",
    points: 2,
    run(impl, t) {
      churn(impl, t, false);
    },
  },
  {
    id: "churn-unreliable",
    part: "C",
    name: "churn over an unreliable network",
    points: 1,
    run(impl, t) {
      churn(impl, t, true);
    },
  },
  {
    id: "random-faults",
    part: "C",
    name: "random fault schedules (partitions, one-way cuts, bad network, pauses, crashes, clock skew), shrunk when they fail",
    points: 2,
    seeds: 10,
    run(impl, t) {
      const nodes = ["n1", "n2", "n3", "n4", "n5"];
      const arbitrary = faultSchedule({ nodes, crashable: nodes, horizonMs: 6000, maxEpisodes: 8 });
      t.withGeneratedFaults(arbitrary, (schedule) => {
        const c = new Cluster(impl, t, { nodes: 5 });
        c.sim.scheduleFaults(schedule);
        const settle = quietAfter(schedule, 6000);
        const rng = c.sim.stream("workload");
        while (c.now < settle) {
          const id = rng.pick(c.ids);
          if (c.isUp(id)) c.start(id, c.command());
          c.advance(20 + rng.int(60));
        }
        c.advance(settle - c.now);
        c.sim.heal();
        c.sim.setNetwork(RELIABLE_NETWORK);
        for (const id of c.ids) if (!c.isUp(id)) c.restart(id);
        c.checkOneLeader(` (every fault ended by t=${settle}ms)`);
        c.one(c.command(), 5, true);
      });
    },
  },
];
