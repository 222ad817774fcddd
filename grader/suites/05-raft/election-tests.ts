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
      const leader1 = c.checkOneLeader();
      const quiet = c.now;
      c.advance(2000);
      const term2 = c.checkTerms();
      if (term1 !== term2) {
        const sent = c.ids.filter((id) => id !== leader1).map((id) => `${leader1} sent ${id} ${c.traffic.count(leader1, id, quiet)} messages, and ${c.checker.story(id, quiet)}`).join("; ");
        t.fail(`the term changed from ${term1} to ${term2} between t=${quiet}ms and t=${c.now}ms although nothing failed (${sent}): the leader's heartbeats must reach followers well within their election timeouts, and a follower must reset its election timer on every AppendEntries from the current leader`);
      }
      c.checkOneLeader(" (no failures since the first election)");
    },
  },
  {
    id: "election-reelection",
    part: "A",
    name: "re-election after the leader is cut off; no leader without a majority",
    points: 3,
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
    points: 3,
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
      t.measure("messages to elect the first leader", toElect, { atMost: ELECTION_MESSAGES, unit: "messages" });
      if (toElect > ELECTION_MESSAGES) {
        t.fail(`the first election took ${toElect} messages (requests and replies) by t=${c.now}ms; the budget is ${ELECTION_MESSAGES}: one RequestVote per peer per election, and randomized timeouts so that elections rarely split`);
      }
      c.advance(1000);
      const term = c.checkTerms();
      const before = c.messages();
      c.advance(5000);
      const idle = c.messages() - before;
      t.measure("messages in 5 idle seconds", idle, { atMost: IDLE_MESSAGES_PER_SECOND * 5, unit: "messages" });
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
      c.intercept(() => (rng.chance(0.5) ? { delaysMs: [1 + rng.int(10), 100 + rng.int(800)] } : undefined));
      const faults = c.sim.stream("disconnections");
      for (let round = 0; round < 15; round++) {
        const leader = c.checkOneLeader(` (round ${round + 1})`);
        const cut = [leader, ...(faults.chance(0.5) ? [faults.pick(c.ids)] : [])];
        for (const id of cut) c.disconnect(id);
        c.advance(200 + faults.int(1000));
        for (const id of cut) c.connect(id);
        c.advance(faults.int(300));
      }
      c.intercept(null);
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
      c.intercept(() => (rng.chance(0.5) ? { delaysMs: [1 + rng.int(150), 100 + rng.int(900)] } : undefined));
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
  {
    id: "election-candidate-follows-winner",
    part: "A",
    name: "two candidates of one term: the loser hears from the winner and must follow it, not start another election",
    points: 2,
    seeds: 8,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 3 });
      c.one(c.command(), 3, true);
      for (let round = 1; round <= 3; round++) {
        const voter = c.checkOneLeader(` (round ${round})`);
        const [a, b] = c.ids.filter((id) => id !== voter) as [NodeId, NodeId];
        const term = c.status(voter)?.term ?? 0;
        // a and b cannot hear each other, and the leader's messages are lost while it is still in
        // its term: both time out and run in the same new term; only one can win the voter.
        c.sim.block(a, b);
        c.sim.block(b, a);
        c.intercept((m) => (m.from === voter && (c.status(voter)?.term ?? term) === term ? { drop: true } : undefined));
        const since = c.now;
        let pair: { winner: NodeId; loser: NodeId; term: number } | null = null;
        while (pair === null && c.now - since < 3000) {
          c.advance(1);
          for (const [w, l] of [[a, b], [b, a]] as const) {
            const sw = c.status(w);
            const sl = c.status(l);
            if (sw?.role === "leader" && sl?.role === "candidate" && sl.term === sw.term) pair = { winner: w, loser: l, term: sw.term };
          }
        }
        c.intercept(null);
        c.healAll();
        if (pair !== null) {
          const { winner, loser } = pair;
          const healed = c.now;
          c.sim.note(`${loser} is a candidate in term ${pair.term}, which ${winner} has won; they can hear each other again`);
          while (c.now - healed < 1500) {
            c.advance(5);
            const sl = c.status(loser);
            if (sl !== null && sl.term > pair.term) {
              t.fail(`${loser} was a candidate in term ${pair.term} when it could hear ${winner} again at t=${healed}ms, and ${winner} had already won that term; instead of following ${winner}, ${loser} started an election of term ${sl.term} by t=${c.now}ms (${c.checker.story(loser, healed)}). Since t=${healed}ms: ${c.traffic.exchange(winner, loser, healed)}. A candidate that receives an AppendEntries from the leader of its own term must become its follower (Figure 2, rules for candidates) and reset its election timer`, { node: loser });
            }
          }
        }
        c.one(c.command(), 3, true);
      }
    },
  },
];
