/**
 * Part 5A: leader election. MIT 6.5840's election tests in virtual time, a timing and message-rate
 * test, and an adversarial schedule of stale, late duplicate messages during repeated elections.
 */
import type { NodeId } from "../../sim/api.js";
import type { LabTest } from "../../runner/suite.js";
import { Cluster, LEADER_BOUND_MS } from "./cluster.js";
import type { Lab5 } from "./interface.js";

/** Most messages (requests and replies) to elect the first leader of three nodes. */
export const ELECTION_MESSAGES = 60;
/** Most messages per idle second in a healthy three-node cluster (about 10 heartbeats per follower). */
export const IDLE_MESSAGES_PER_SECOND = 60;


export const electionTests: LabTest<Lab5>[] = [
  {
    id: "election-initial",
    part: "A",
    name: "initial election: one leader, every node agrees on its term, and it stays leader",
    points: 3,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 3 });
      c.checkOneLeader(" (the initial election)");
      c.advance(50);
      const term1 = c.checkTerms();
      if (term1 < 1) t.fail(`the term is ${term1} after the first election at t=${c.now}ms: a candidate increments its term before asking for votes`);
      c.advance(2000);
      const term2 = c.checkTerms();
      if (term1 !== term2) {
        t.fail(`the term changed from ${term1} to ${term2} between t=${c.now - 2000}ms and t=${c.now}ms although nothing failed: the leader's heartbeats must reach followers before their election timeouts expire`);
      }
      c.checkOneLeader(" (no failures since the first election)");
    },
  },
  {
    id: "election-reelection",
    part: "A",
    name: "re-election after the leader is cut off; no leader without a majority",
    points: 4,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 3 });
      const leader1 = c.checkOneLeader();
      c.disconnect(leader1);
      c.checkOneLeader(` (after the leader ${leader1} was cut off)`);
      c.connect(leader1);
      const leader2 = c.checkOneLeader(` (after the old leader ${leader1} rejoined)`);
      c.disconnect(leader2);
      c.disconnect(c.after(leader2, 1));
      c.advance(1500);
      c.checkNoLeader(`two of the three nodes have been cut off since t=${c.now - 1500}ms`);
      c.connect(c.after(leader2, 1));
      c.checkOneLeader(" (a majority is connected again)");
      c.connect(leader2);
      c.checkOneLeader(" (every node is connected again)");
    },
  },
  {
    id: "election-many",
    part: "A",
    name: "many elections: seven nodes, three random nodes cut off at a time",
    points: 4,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 7 });
      const rng = c.sim.stream("disconnections");
      c.checkOneLeader();
      for (let round = 0; round < 10; round++) {
        const cut = new Set<NodeId>();
        while (cut.size < 3) cut.add(rng.pick(c.ids));
        for (const id of cut) c.disconnect(id);
        c.checkOneLeader(` (round ${round + 1}: ${[...cut].join(", ")} cut off)`);
        for (const id of cut) c.connect(id);
      }
      c.checkOneLeader();
    },
  },
  {
    id: "election-timing",
    part: "A",
    name: `message and heartbeat budgets: at most ${ELECTION_MESSAGES} messages to elect, a steady leader, at most ${IDLE_MESSAGES_PER_SECOND} messages per idle second`,
    points: 3,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 3 });
      const leader = c.checkOneLeader();
      const toElect = c.messages();
      if (toElect > ELECTION_MESSAGES) {
        t.fail(`the first election took ${toElect} messages (requests and replies) by t=${c.now}ms; the budget is ${ELECTION_MESSAGES}: one RequestVote per peer per election, and randomized timeouts so that elections rarely split`);
      }
      c.advance(1000);
      const term = c.checkTerms();
      const before = c.messages();
      c.advance(5000);
      const idle = c.messages() - before;
      if (idle > IDLE_MESSAGES_PER_SECOND * 5) {
        t.fail(`an idle three-node cluster sent ${idle} messages in 5 s of virtual time (t=${c.now - 5000}ms to t=${c.now}ms); the budget is ${IDLE_MESSAGES_PER_SECOND * 5}: send heartbeats about 10 times per second, not more`);
      }
      const now = c.checkOneLeader();
      const term2 = c.checkTerms();
      if (now !== leader || term2 !== term) {
        t.fail(`leadership changed while nothing failed: ${leader} was leader in term ${term}, and at t=${c.now}ms ${now} is leader in term ${term2}. Heartbeats must come often enough (well within the smallest election timeout) to keep followers from starting elections`);
      }
    },
  },
  {
    id: "election-stale-messages",
    part: "A",
    name: "repeated elections while every message may also arrive again up to 900 ms late (stale-term replies)",
    points: 3,
    seeds: 8,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 5 });
      const rng = c.sim.stream("adversary");
      c.sim.intercept(() => (rng.chance(0.5) ? { delaysMs: [1 + rng.int(10), 100 + rng.int(800)] } : undefined));
      const faults = c.sim.stream("disconnections");
      for (let round = 0; round < 15; round++) {
        const leader = c.checkOneLeader(` (round ${round + 1})`);
        const cut = [leader, ...(faults.chance(0.5) ? [faults.pick(c.ids)] : [])];
        for (const id of cut) c.disconnect(id);
        c.advance(200 + faults.int(1000));
        for (const id of cut) c.connect(id);
        c.advance(faults.int(300));
      }
      c.sim.intercept(null);
      c.checkOneLeader(` (the network is reliable again; a leader is due within ${LEADER_BOUND_MS}ms)`);
    },
  },

  {
    id: "election-split-votes",
    part: "A",
    name: "split votes: 1-150 ms latency, and RequestVotes and replies that arrive again up to 1 s late",
    points: 3,
    seeds: 8,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 3, network: { latency: { kind: "uniform", minMs: 1, maxMs: 150 } } });
      const rng = c.sim.stream("adversary");
      c.sim.intercept(() => (rng.chance(0.5) ? { delaysMs: [1 + rng.int(150), 100 + rng.int(900)] } : undefined));
      const faults = c.sim.stream("disconnections");
      for (let round = 0; round < 30; round++) {
        const leader = c.checkOneLeader(` (round ${round + 1})`);
        c.disconnect(leader);
        c.advance(300 + faults.int(700));
        c.connect(leader);
        c.advance(faults.int(200));
      }
    },
  },
];
