/**
 * Part 5B: log replication. MIT 6.5840's agreement tests in virtual time, budgets on bytes and
 * messages, and adversarial schedules that reorder and duplicate AppendEntries.
 */
import type { Json, NodeId } from "../../sim/api.js";
import type { LabTest, TestContext } from "../../runner/suite.js";
import { Cluster, UNRELIABLE } from "./cluster.js";
import type { Lab5 } from "./interface.js";


/** Starts `command` at `leader`, which must accept it as leader; returns the index. */
function startAtLeader(c: Cluster, leader: NodeId, command: Json, t: TestContext): number {
  const r = c.start(leader, command);
  if (r === null || !r.isLeader) {
    t.fail(`${leader} was leader a moment ago but start(${JSON.stringify(command)}) at t=${c.now}ms answered isLeader: false, though nothing changed since`, { node: leader });
  }
  return r.index;
}

/** How long a rejoined node, following a steady leader, may take to apply entries it is sent (agree-stale-suffix-ack). */
const REJOINED_APPLY_MS = 2000;

/** Messages (requests and replies) to agree on `iters` + 1 commands in a healthy three-node cluster. */
export const agreementBudget = (iters: number) => (iters + 1 + 3) * 3 * 2;

export const replicationTests: LabTest<Lab5>[] = [
  {
    id: "agree-basic",
    part: "B",
    name: "basic agreement: each command committed at the next index by every node",
    points: 3,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 3 });
      for (let index = 1; index <= 3; index++) {
        const n = c.nCommitted(index).count;
        if (n > 0) t.fail(`${n} node(s) applied index ${index} at t=${c.now}ms before the service started any command for it`);
        const got = c.one(c.command(), 3, false);
        if (got !== index) t.fail(`the command was committed at index ${got}, but the service expected index ${index}: the first command goes at index 1, and Raft adds no entries of its own`);
      }
    },
  },
  {
    id: "agree-bytes",
    part: "B",
    name: "bytes bound: each 5,000-byte command is sent about once to each follower",
    points: 2,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 3 });
      c.one(c.command(), 3, false);
      const before = c.sim.stats.bytesSent;
      const rng = c.sim.stream("payloads");
      let sent = 0;
      for (let k = 0; k < 10; k++) {
        let text = `${c.command()}:`;
        while (text.length < 5000) text += rng.nextUint32().toString(36);
        c.one(text, 3, false);
        sent += text.length;
      }
      const got = c.sim.stats.bytesSent - before;
      const budget = 3 * sent + 50_000;
      t.measure("bytes to agree on ten 5,000-byte commands", got, { atMost: budget, unit: "bytes" });
      if (got > budget) {
        t.fail(`agreeing on 10 commands of 5,000 bytes took ${got} bytes of messages by t=${c.now}ms; the budget is ${budget}: send each entry to each follower once, not again with every heartbeat`);
      }
    },
  },
  {
    id: "agree-follower-failure",
    part: "B",
    name: "progress with one follower cut off; nothing committed with both cut off",
    points: 2,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 3 });
      c.one(c.command(), 3, false);
      const leader1 = c.checkOneLeader();
      c.disconnect(c.after(leader1, 1));
      c.one(c.command(), 2, false);
      c.advance(600);
      c.one(c.command(), 2, false);
      const leader2 = c.checkOneLeader();
      c.disconnect(c.after(leader2, 1));
      c.disconnect(c.after(leader2, 2));
      const index = startAtLeader(c, leader2, c.command(), t);
      c.advance(1500);
      const n = c.nCommitted(index).count;
      if (n > 0) t.fail(`${n} node(s) applied index ${index} by t=${c.now}ms, though both followers were cut off before it was started: an entry is committed only once a majority stores it`);
    },
  },
  {
    id: "agree-leader-failure",
    part: "B",
    name: "progress after the leader is cut off; nothing committed when the second leader is cut off too",
    points: 2,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 3 });
      c.one(c.command(), 3, false);
      const leader1 = c.checkOneLeader();
      c.disconnect(leader1);
      c.one(c.command(), 2, false);
      c.advance(600);
      c.one(c.command(), 2, false);
      const leader2 = c.checkOneLeader();
      c.disconnect(leader2);
      for (const id of c.ids) c.start(id, c.command());
      c.advance(1500);
      const n = c.nCommitted(4).count;
      if (n > 0) t.fail(`${n} node(s) applied index 4 by t=${c.now}ms, though only one node was connected when it was started`);
    },
  },
  {
    id: "agree-no-majority",
    part: "B",
    name: "no agreement without a majority; agreement again once it returns",
    points: 2,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 5 });
      c.one(c.command(), 5, false);
      const leader = c.checkOneLeader();
      for (const k of [1, 2, 3]) c.disconnect(c.after(leader, k));
      const index = startAtLeader(c, leader, c.command(), t);
      if (index !== 2) t.fail(`start at ${leader} returned index ${index} at t=${c.now}ms; expected 2 (one command committed so far)`, { node: leader });
      c.advance(1500);
      const n = c.nCommitted(index).count;
      if (n > 0) t.fail(`${n} node(s) applied index ${index} by t=${c.now}ms with only 2 of 5 nodes connected: an entry is committed only once a majority of the whole cluster (3 of 5, the leader included) stores it`);
      for (const k of [1, 2, 3]) c.connect(c.after(leader, k));
      const leader2 = c.checkOneLeader();
      const index2 = startAtLeader(c, leader2, c.command(), t);
      if (index2 < 2 || index2 > 3) t.fail(`after the majority returned, start at ${leader2} returned index ${index2} at t=${c.now}ms; expected 2 or 3`, { node: leader2 });
      c.one(c.command(), 5, true);
    },
  },
  {
    id: "agree-concurrent",
    part: "B",
    name: "concurrent starts: five commands started at once are all committed",
    points: 2,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 3 });
      for (let attempt = 0; attempt < 5; attempt++) {
        const leader = c.checkOneLeader();
        const first = c.start(leader, c.command());
        if (!first?.isLeader) continue;
        const started: { index: number; command: string }[] = [];
        for (let k = 0; k < 5; k++) {
          const command = c.command();
          const r = c.start(leader, command);
          if (r?.isLeader && r.term === first.term) started.push({ index: r.index, command: JSON.stringify(command) });
        }
        if (started.length < 5) continue;
        let changed = false;
        for (const s of started) {
          const got = c.wait(s.index, 3, first.term);
          if (got === null) {
            changed = true;
            break;
          }
          if (got !== s.command) {
            t.fail(`index ${s.index} holds ${got}, but ${leader} said it would put ${s.command} there (start returned index ${s.index} in term ${first.term})`);
          }
        }
        if (!changed) return;
      }
      t.fail(`the term kept changing: five attempts to commit five concurrent commands in one term failed by t=${c.now}ms`);
    },
  },
  {
    id: "agree-rejoin",
    part: "B",
    name: "a cut-off leader with uncommitted entries rejoins and gives them up",
    points: 2,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 3 });
      c.one(101, 3, true);
      const leader1 = c.checkOneLeader();
      c.disconnect(leader1);
      for (const cmd of [102, 103, 104]) c.start(leader1, cmd);
      c.one(103, 2, true);
      const leader2 = c.checkOneLeader();
      c.disconnect(leader2);
      c.connect(leader1);
      c.one(104, 2, true);
      c.connect(leader2);
      c.one(105, 3, true);
    },
  },
  {
    id: "agree-backup",
    part: "B",
    name: "backing up quickly over 100 conflicting entries at a time",
    points: 3,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 5 });
      const batch = 100;
      c.one(c.command(), 5, true);
      const leader1 = c.checkOneLeader();
      for (const k of [2, 3, 4]) c.disconnect(c.after(leader1, k));
      for (let i = 0; i < batch; i++) c.start(leader1, c.command());
      c.advance(500);
      c.disconnect(leader1);
      c.disconnect(c.after(leader1, 1));
      for (const k of [2, 3, 4]) c.connect(c.after(leader1, k));
      for (let i = 0; i < batch; i++) c.one(c.command(), 3, true);
      const leader2 = c.checkOneLeader();
      let victim = c.after(leader1, 2);
      if (victim === leader2) victim = c.after(leader2, 1);
      c.disconnect(victim);
      for (let i = 0; i < batch; i++) c.start(leader2, c.command());
      c.advance(500);
      for (const id of c.ids) c.disconnect(id);
      for (const id of [leader1, c.after(leader1, 1), victim]) c.connect(id);
      for (let i = 0; i < batch; i++) c.one(c.command(), 3, true);
      for (const id of c.ids) c.connect(id);
      c.one(c.command(), 5, true);
    },
  },
  {
    id: "agree-commit-needs-majority",
    part: "B",
    name: "an entry none of whose AppendEntries reached anyone is never committed, though replies to earlier requests keep arriving",
    points: 2,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 3 });
      c.one(c.command(), 3, true);
      for (let round = 0; round < 3; round++) {
        const leader = c.checkOneLeader();
        // Replies to the leader arrive 200 ms late, so some are always in flight; from `cut` on,
        // everything the leader sends is lost.
        let cut = Infinity;
        c.intercept((m) => {
          if (m.from === leader && c.now >= cut) return { drop: true };
          if (m.to === leader) return { delaysMs: [200] };
          return undefined;
        });
        c.advance(250);
        cut = c.now;
        c.sim.note(`from now on every message ${leader} sends is lost`);
        const r = c.start(leader, c.command());
        c.advance(250);
        if (r?.isLeader) {
          const first = c.checker.committed.get(r.index);
          if (first !== undefined) {
            t.fail(`${first.node} applied index ${r.index} at t=${first.time}ms, but that entry was started at ${leader} at t=${cut}ms and every message ${leader} sent from then on was lost: no other node could have stored it, so it was never on a majority. Only replies to requests sent before the start arrived. Either the leader counted a follower for an entry it never received (set matchIndex from what the request being answered carried, prevLogIndex + its entries, never from your own log or from nextIndex), or its count of a majority is off (more than half of the whole cluster, itself included)`, { node: leader });
          }
        }
        c.intercept(null);
        c.one(c.command(), 3, true);
      }
    },
  },
  {
    id: "agree-stale-suffix-ack",
    part: "B",
    name: "a deposed leader rejoins with uncommitted entries past the point where it matches the new leader: it must not be counted for them",
    points: 2,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 3 });
      c.one(c.command(), 3, true);
      c.one(c.command(), 3, true);
      for (let round = 0; round < 2; round++) {
        const old = c.checkOneLeader();
        const k = c.checker.maxCommitted;
        c.disconnect(old);
        for (let i = 0; i < 3; i++) c.start(old, c.command());
        const others = c.ids.filter((id) => id !== old);
        const leader = c.checkOneLeader(` (${old} cut off)`, others);
        const away = others.find((id) => id !== leader) as NodeId;
        c.connect(old);
        c.advance(400);
        c.sim.note(`${old} rejoined holding 3 uncommitted entries after index ${k}; ${away} is cut off`);
        c.disconnect(away);
        let last = -1;
        for (let i = 0; i < 3; i++) {
          const r = c.start(leader, c.command());
          if (r?.isLeader) last = r.index;
        }
        if (last === -1) {
          c.connect(away);
          continue;
        }
        const since = c.now;
        let steady = true;
        while (c.now - since < REJOINED_APPLY_MS && c.checker.handedUpTo(old) < last) {
          c.advance(10);
          if (c.status(leader)?.role !== "leader" || c.status(leader)?.term !== c.status(old)?.term) steady = false;
        }
        // Held to the deadline only while the leader stayed put (as the check below).
        if (steady) {
          const behind = c.checker.handedUpTo(old) < last;
          t.measure("time for the rejoined node to apply the new entries", c.now - since + (behind ? 10 : 0), { atMost: REJOINED_APPLY_MS, unit: "ms" });
        }
        if (steady && c.checker.handedUpTo(old) < last) {
          t.fail(`${old} had applied only up to index ${c.checker.handedUpTo(old)} by t=${c.now}ms, ${REJOINED_APPLY_MS}ms after ${leader} (leader throughout, with ${old} connected and following it) accepted entries through index ${last}; ${old} and ${leader} were a majority. ${old} had rejoined holding 3 uncommitted entries of its old term after index ${k}, where its log matched ${leader}'s. Since t=${since}ms: ${c.traffic.exchange(leader, old, since)}. A follower acknowledges only what the request it answers carried (prevLogIndex + its entries), never its whole log: if it claims more, the leader counts it for entries it does not hold and never sends them`, { node: old });
        }
        c.connect(away);
        c.one(c.command(), 3, true);
      }
    },
  },
  {
    id: "agree-rpc-counts",
    part: "B",
    name: "message budgets: to agree on 11 commands, and while idle",
    points: 3,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 3 });
      c.checkOneLeader();
      for (let attempt = 0; attempt < 5; attempt++) {
        if (attempt > 0) c.advance(3000);
        const leader = c.checkOneLeader();
        const before = c.messages();
        const first = c.start(leader, c.command());
        if (!first?.isLeader) continue;
        const iters = 10;
        const started: number[] = [];
        let ok = true;
        for (let i = 1; i <= iters; i++) {
          const r = c.start(leader, c.command());
          if (!r?.isLeader || r.term !== first.term) {
            ok = false;
            break;
          }
          if (r.index !== first.index + i) t.fail(`${leader}.start returned index ${r.index} at t=${c.now}ms; expected ${first.index + i} (the previous start returned ${first.index + i - 1})`, { node: leader });
          started.push(r.index);
        }
        for (const index of started) if (ok && c.wait(index, 3, first.term) === null) ok = false;
        if (!ok) continue;
        const used = c.messages() - before;
        const budget = agreementBudget(iters);
        t.measure(`messages to agree on ${iters + 1} commands`, used, { atMost: budget, unit: "messages" });
        if (used > budget) {
          t.fail(`agreeing on ${iters + 1} commands took ${used} messages (requests and replies) by t=${c.now}ms; the budget is ${budget}: about one AppendEntries per follower per command, plus heartbeats`);
        }
        const idleFrom = c.messages();
        c.advance(1000);
        const idle = c.messages() - idleFrom;
        t.measure("messages in one idle second", idle, { atMost: 60, unit: "messages" });
        if (idle > 60) t.fail(`${idle} messages were sent in one idle second (t=${c.now - 1000}ms to t=${c.now}ms); the budget is 60: about 10 heartbeats per second per follower`);
        return;
      }
      t.fail(`the term kept changing: five attempts to agree on 11 commands in one term failed by t=${c.now}ms`);
    },
  },
  {
    id: "agree-reordered",
    part: "B",
    name: "reordered and duplicated AppendEntries (copies held back up to 250 ms) while leaders change",
    points: 3,
    seeds: 8,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 3 });
      const rng = c.sim.stream("adversary");
      c.intercept(() => (rng.chance(0.4) ? { delaysMs: rng.chance(0.5) ? [1 + rng.int(60)] : [1 + rng.int(60), 60 + rng.int(190)] } : undefined));
      const faults = c.sim.stream("disconnections");
      for (let round = 0; round < 8; round++) {
        const leader = c.checkOneLeader();
        for (let k = 0; k < 6; k++) {
          c.start(leader, c.command());
          c.advance(faults.int(8));
        }
        c.advance(5 + faults.int(40));
        c.disconnect(leader);
        c.one(c.command(), 2, true);
        c.connect(leader);
        c.advance(faults.int(300));
      }
      c.intercept(null);
      c.one(c.command(), 3, true);
    },
  },
  {
    id: "agree-unreliable",
    part: "B",
    name: "agreement over an unreliable network (10% loss, duplicates, 1-27 ms latency)",
    points: 2,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 5, network: UNRELIABLE });
      for (let iter = 1; iter < 50; iter++) {
        for (let j = 0; j < 4; j++) {
          const leader = c.live().find((id) => c.status(id)?.role === "leader");
          if (leader !== undefined) c.start(leader, c.command());
        }
        c.one(c.command(), 1, true);
      }
      c.sim.setNetwork({ loss: 0, duplicate: 0, latency: { kind: "constant", ms: 5 } });
      c.one(c.command(), 5, true);
    },
  },
];
