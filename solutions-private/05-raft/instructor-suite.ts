/**
 * Lab 5's instructor-only tests (20 points on top of the practice suite's 100; learners never see
 * them). The same contract, checked where the practice suite does not look: a leader that hears a
 * newer term only in replies; nodes with stale logs that keep campaigning; votes and AppendEntries
 * replies from an earlier term delivered very late (scripted, whatever the message format); a
 * follower hundreds of entries behind, under a message budget; and seven nodes through crash storms
 * while messages are duplicated and reordered. Each declares the handout section that states its
 * guarantee and bounds (the schedule is hidden, never the rule): mostly "Faults and bounds", and the
 * batching rule in Part 5B.
 *
 * Self-contained: imports only from grader/ (this file is shipped alone into grading images).
 */
import type { NodeId } from "../../grader/sim/api.js";
import { RELIABLE_NETWORK } from "../../grader/sim/network.js";
import type { LabTest, TestContext } from "../../grader/runner/suite.js";
import { Cluster, LEADER_BOUND_MS } from "../../grader/suites/05-raft/cluster.js";
import type { Lab5 } from "../../grader/suites/05-raft/interface.js";

/** How long a leader that sees a newer term in replies may go on believing it leads. */
const STEP_DOWN_MS = 1000;
/** Drift of the clocks of the nodes that campaign with stale logs (their timers run 50% fast). */
const FAST_CLOCK = 0.5;
/** Catch-up budgets: messages to and from the lagging node, per entry it missed, plus a base. */
const CATCH_UP_BASE = 40;
const CATCH_UP_PER_ENTRY = 1 / 5;
const CATCH_UP_MS = 5000;

/** The highest term among up nodes other than `except`, and who holds it. */
function newestTerm(c: Cluster, except: NodeId): { term: number; node: NodeId | null } {
  let best = { term: -1, node: null as NodeId | null };
  for (const id of c.ids) {
    if (id === except) continue;
    const s = c.status(id);
    if (s !== null && s.term > best.term) best = { term: s.term, node: id };
  }
  return best;
}

/** Starts `n` commands at the current leader, then waits until a majority has applied them all. */
function commitMany(c: Cluster, n: number, expected: number): void {
  for (let k = 0; k < n; k++) {
    const leader = c.live().find((id) => c.status(id)?.role === "leader") ?? c.checkOneLeader();
    c.start(leader, c.command());
    if (k % 50 === 49) c.advance(20);
  }
  c.one(c.command(), expected, true);
}

/** The batching rule the handout states: at least this many entries per AppendEntries to a follower that is behind. */
const MIN_BATCH = 50;

/**
 * Waits until `node` has applied `index` (its service was handed it, or a snapshot past it),
 * counting the messages to and from `node` meanwhile; fails past the time or message budget. Before
 * it blames anything, it splits the messages at the node's first new entry: those before are the
 * leader finding where the logs match (rejected AppendEntries), those after carry the entries, so
 * the report can tell a slow back-up from small batches.
 */
function catchUp(c: Cluster, t: TestContext, node: NodeId, missed: number, level: number, what: string): void {
  const index = c.checker.maxCommitted;
  let messages = 0;
  let toNode = 0;
  c.intercept((m) => {
    if (m.from === node || m.to === node) messages++;
    if (m.to === node) toNode++;
    return undefined;
  });
  const since = c.now;
  let first: { at: number; messages: number; toNode: number; handed: number } | null = null;
  const applied = () => c.nCommitted(index).count === c.ids.length;
  while (!applied() && c.now - since < CATCH_UP_MS) {
    c.advance(5);
    if (first === null && c.checker.handedUpTo(node) > level) first = { at: c.now, messages, toNode, handed: c.checker.handedUpTo(node) };
  }
  c.intercept(null);
  const budget = Math.round(CATCH_UP_BASE + missed * CATCH_UP_PER_ENTRY);
  const done = applied();
  // Not caught up by the deadline: the figure is the next look's time, past the bound.
  t.measure("catch-up time", c.now - since + (done ? 0 : 5), { atMost: CATCH_UP_MS, unit: "ms" });
  t.measure("catch-up messages", messages, { atMost: budget, unit: "messages" });
  if (done && messages <= budget) return;
  const head = done
    ? `${node} ${what}, rejoined at t=${since}ms ${missed} entries behind; it took ${messages} messages to and from it (requests and replies) until it applied index ${index} at t=${c.now}ms; the budget is ${budget} (${CATCH_UP_BASE} + one per ${1 / CATCH_UP_PER_ENTRY} entries missed)`
    : `${node} ${what}, rejoined at t=${since}ms ${missed} entries behind, and had still not applied index ${index} by t=${c.now}ms (${messages} messages to and from it meanwhile): a follower that far behind must catch up within ${CATCH_UP_MS}ms`;
  t.fail(`${head}. ${catchUpDiagnosis(c, node, index, level, messages, toNode, first)}`, { node });
}

/** Names what the counts show: a slow back-up (many messages before the first new entry), small batches, or both. */
function catchUpDiagnosis(
  c: Cluster,
  node: NodeId,
  index: number,
  level: number,
  messages: number,
  toNode: number,
  first: { at: number; messages: number; toNode: number; handed: number } | null,
): string {
  const causes: string[] = [];
  if (first === null) {
    causes.push(`${node} applied no new entry at all in that time, after ${toNode} messages sent to it: the leader never found where their logs match. ${BACK_UP}`);
    return causes.join(" ");
  }
  const carried = Math.max(c.checker.handedUpTo(node), index) - level;
  const requests = toNode - first.toNode + 1;
  const perRequest = carried / requests;
  const before = `before ${node}'s first new entry (at t=${first.at}ms) it exchanged ${first.messages} messages with the others (about ${Math.ceil(first.messages / 2)} AppendEntries and their rejections)`;
  const after = `from then on it received ${requests} messages for ${carried} entries, about ${perRequest.toFixed(1)} entries per AppendEntries`;
  if (first.messages > 20) causes.push(`Backing up is slow: ${before}. ${BACK_UP}`);
  if (perRequest < MIN_BATCH / 2) causes.push(`Batches are small: ${after}. Send at least ${MIN_BATCH} entries per AppendEntries to a follower that is behind (all that remain, if fewer)`);
  if (causes.length === 0) causes.push(`Neither the back-up nor the batch size explains it: ${before}; ${after}. Look for AppendEntries sent more often than needed (one per reply and per heartbeat, not several)`);
  else if (causes.length === 1) causes.push(first.messages > 20 ? `(Batches were fine: ${after}.)` : `(Backing up was fine: ${before}.)`);
  return causes.join(" ");
}

const BACK_UP = `Back up a whole term per rejected AppendEntries, not one entry: the follower's rejection says where its log ends, or the term of its conflicting entry and the first index it holds for that term, and the leader skips that whole term`;

/**
 * Cuts off leaders other than `target` (at most two nodes at a time) until `target` is elected.
 * Returns false if it was not within `attempts` elections (the round then proves nothing).
 */
function electLeader(c: Cluster, target: NodeId, attempts: number): boolean {
  const cut: NodeId[] = [];
  for (let k = 0; k < attempts; k++) {
    let leader = c.checkOneLeader(` (waiting for ${target} to be elected)`);
    // A leader that was cut off and has just rejoined may not have heard of the newer term yet.
    for (let wait = 0; wait < 20 && (c.status(leader)?.term ?? 0) < Math.max(...c.live().map((id) => c.status(id)?.term ?? 0)); wait++) {
      c.advance(25);
      leader = c.checkOneLeader(` (waiting for ${target} to be elected)`);
    }
    if (leader === target) {
      for (const id of cut) c.connect(id);
      c.advance(50);
      return c.status(target)?.role === "leader";
    }
    if (cut.length === 2) c.connect(cut.shift() as NodeId);
    cut.push(leader);
    c.disconnect(leader);
  }
  for (const id of cut) c.connect(id);
  return false;
}

/** `impl`, with each node's service wrapped to note the highest index it was handed, into `seen`. */
function observed(impl: Lab5, seen: Map<NodeId, number>): Lab5 {
  const note = (id: NodeId, index: unknown) => {
    if (typeof index === "number" && index > (seen.get(id) ?? 0)) seen.set(id, index);
  };
  return {
    createRaftNode(ctx, service) {
      return impl.createRaftNode(ctx, {
        apply(entry) {
          note(ctx.id, entry?.index);
          service.apply(entry);
        },
        installSnapshot(snapshot) {
          note(ctx.id, snapshot?.index);
          service.installSnapshot(snapshot);
        },
      });
    },
  };
}

/** Waits up to `ms` until every node has applied `index`; returns the nodes that have not. */
function missing(c: Cluster, seen: ReadonlyMap<NodeId, number>, index: number, ms: number): NodeId[] {
  const since = c.now;
  const lacking = () => c.ids.filter((id) => (seen.get(id) ?? 0) < index);
  while (lacking().length > 0 && c.now - since < ms) c.advance(10);
  return lacking();
}

export const instructorTests: LabTest<Lab5>[] = [
  {
    id: "election-step-down-on-reply",
    part: "A",
    name: "a cut-off leader rejoins but hears only replies (the new leader's messages to it are lost): the replies' newer term must make it step down",
    points: 3,
    handout: { section: "Faults and bounds", states: ["one-way loss", "within 1,000 ms", "even if only replies reach it"] },
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 5 });
      const rng = c.sim.stream("rounds");
      c.one(c.command(), 5, true);
      for (let round = 1; round <= 4; round++) {
        const old = c.checkOneLeader(` (round ${round})`);
        c.disconnect(old);
        const next = c.checkOneLeader(` (round ${round}: after the leader ${old} was cut off)`);
        c.advance(rng.int(300));
        const rejoined = c.now;
        c.connect(old);
        c.sim.block(next, old);
        c.sim.note(`${old} rejoins; messages from ${next} to ${old} are lost, everything else is delivered`);
        for (;;) {
          const s = c.status(old);
          const newest = newestTerm(c, old);
          if (s === null || s.role !== "leader" || s.term >= newest.term) {
            t.measure("time for the rejoined leader to step down", c.now - rejoined, { atMost: STEP_DOWN_MS, unit: "ms" });
            break;
          }
          if (c.now - rejoined >= STEP_DOWN_MS) {
            // Still leader at the deadline: the figure is the next look's time, past the bound.
            t.measure("time for the rejoined leader to step down", c.now - rejoined + 5, { atMost: STEP_DOWN_MS, unit: "ms" });
            t.fail(`${old} still believed it was the leader of term ${s.term} at t=${c.now}ms, ${STEP_DOWN_MS}ms after it rejoined at t=${rejoined}ms, though ${newest.node} is in term ${newest.term}: ${next} was elected while ${old} was cut off, and the other nodes answer ${old}'s AppendEntries with their newer term (only ${next}'s own messages to ${old} are lost). A node that sees a newer term in any message, a reply as much as a request, must adopt it and step down`, { node: old });
          }
          c.advance(5);
        }
        c.healAll();
        c.one(c.command(), 5, true);
      }
    },
  },
  {
    id: "election-stale-campaigners",
    part: "A",
    name: "two nodes with stale logs and fast clocks keep asking for votes they cannot get; the one up-to-date node must still be elected",
    points: 3,
    handout: { section: "Faults and bounds", states: ["clocks that run up to 50% fast", "2,500 ms", "also when nodes with stale logs keep campaigning"] },
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 5 });
      const rng = c.sim.stream("rounds");
      const first = rng.pick(c.ids);
      const fast = [first, rng.pick(c.ids.filter((id) => id !== first))];
      for (const id of fast) c.sim.setClock(id, 0, FAST_CLOCK);
      const slow = c.ids.filter((id) => !fast.includes(id));
      c.one(c.command(), 5, true);
      for (let round = 1; round <= 4; round++) {
        for (const id of fast) c.disconnect(id);
        commitMany(c, 3 + rng.int(5), 3);
        c.advance(500 + rng.int(1500));
        const up = c.checkOneLeader(` (round ${round}: ${fast.join(" and ")} cut off)`, slow);
        const others = slow.filter((id) => id !== up);
        for (const id of others) c.disconnect(id);
        for (const id of fast) c.connect(id);
        c.sim.note(`only ${up} holds every committed entry among ${up}, ${fast.join(", ")}`);
        // The rejoining nodes' newer terms depose the leader; from then on, the clock runs.
        const rejoined = c.now;
        while (c.status(up)?.role === "leader" && c.now - rejoined < 1000) c.advance(5);
        const since = c.now;
        for (;;) {
          const leaders = c.live().filter((id) => c.status(id)?.role === "leader");
          if (leaders.length === 1) {
            t.measure("time to elect a leader", c.now - since, { atMost: LEADER_BOUND_MS, unit: "ms" });
            break;
          }
          if (c.now - since >= LEADER_BOUND_MS) {
            // No leader by the deadline: the figure is the next look's time, past the bound.
            t.measure("time to elect a leader", c.now - since + 10, { atMost: LEADER_BOUND_MS, unit: "ms" });
            const story = c.checker.story(up, since);
            const ran = !story.includes("never a candidate");
            t.fail(`no leader among ${up}, ${fast.join(" and ")} between t=${since}ms and t=${c.now}ms (${story}): ${fast.join(" and ")} missed the entries committed while they were cut off, so only ${up} can win, and it must time out and run. ${fast.join(" and ")} (whose clocks run ${FAST_CLOCK * 100}% fast) keep asking for votes that are denied; ${ran ? `${up} did stand, but never won: check that a node with an up-to-date log wins the votes of nodes whose logs are behind it` : `${up} never stood for election: a node that resets its election timer when it denies a vote never runs itself. Reset it only when you grant a vote or hear from the current leader`}`, { node: up });
          }
          c.advance(10);
        }
        c.one(c.command(), 3, true);
        for (const id of others) c.connect(id);
        c.one(c.command(), 5, true);
      }
    },
  },
  {
    id: "election-stale-vote-replies",
    part: "A",
    name: "a cut-off candidate receives, very late, the votes granted in one of its earlier elections: they must not count",
    points: 3,
    handout: { section: "Faults and bounds", states: ["up to 15 s late", "a candidate counts only votes of its current election"] },
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 5 });
      const rng = c.sim.stream("rounds");
      c.one(c.command(), 5, true);
      const leader = c.checkOneLeader();
      const cand = c.after(leader, 1 + rng.int(4));
      const term = c.status(cand)?.term ?? 0;
      const release = c.now + 4000;
      // Phase 1: what cand sends is delivered; what is sent to it is held back until `release`.
      // Phase 2: nothing reaches cand and nothing leaves it (it can only campaign, alone).
      let phase = 1;
      c.intercept((m) => {
        if (phase === 1 && m.to === cand) return { delaysMs: [Math.max(1, release - c.now)] };
        if (phase === 2 && (m.to === cand || m.from === cand)) return { drop: true };
        return undefined;
      });
      c.sim.note(`messages to ${cand} are held back until t=${release}ms`);
      const since = c.now;
      while ((c.status(cand)?.term ?? 0) <= term && c.now - since < 2000) c.advance(10);
      c.advance(100);
      const votedIn = c.status(cand)?.term ?? 0;
      phase = 2;
      const cutAt = c.now;
      c.sim.note(`${cand} is cut off; its election of term ${votedIn} was answered, and the answers are held back`);
      commitMany(c, 10 + rng.int(10), 4);
      if (c.now < release + 100) c.advance(release + 100 - c.now);
      const s = c.status(cand);
      if (s !== null && s.role === "leader" && s.term > votedIn) {
        t.fail(`${cand} became leader of term ${s.term} by t=${c.now}ms, though since t=${cutAt}ms none of its messages has reached any node: the only replies it received were votes granted in term ${votedIn} (or earlier), held back and delivered at t=${release}ms. Count a vote only if the reply's term is your current term`, { node: cand });
      }
      phase = 3;
      c.intercept(null);
      c.one(c.command(), 5, true);
    },
  },
  {
    id: "agree-catch-up-far-behind",
    part: "B",
    name: `a follower hundreds of entries behind catches up within ${CATCH_UP_MS}ms and ${CATCH_UP_BASE} + one message per ${1 / CATCH_UP_PER_ENTRY} entries`,
    points: 4,
    handout: { section: "Part 5B: log replication (30 points)", states: ["at least 50 entries", "within 5,000 ms", "at most 40 + N/5 messages", "requests and replies, heartbeats included"] },
    seeds: 3,
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 5 });
      const rng = c.sim.stream("workload");
      c.one(c.command(), 5, true);
      // A leader is cut off and accepts a long suffix of its own that the others never see.
      const old = c.checkOneLeader();
      c.disconnect(old);
      const stale = 150 + rng.int(100);
      for (let k = 0; k < stale; k++) c.start(old, c.command());
      const before = c.checker.maxCommitted;
      commitMany(c, 300 + rng.int(100), 4);
      // A new leader starts with nextIndex at the end of its log for every follower.
      const leader = c.checkOneLeader();
      c.disconnect(leader);
      c.checkOneLeader(` (${old} and ${leader} cut off)`);
      c.connect(leader);
      c.one(c.command(), 4, true);
      const level = c.checker.handedUpTo(old);
      c.connect(old);
      catchUp(c, t, old, c.checker.maxCommitted - before, level, `(a leader cut off with ${stale} entries of its own that were never committed)`);
      // A follower is down while hundreds of entries are committed.
      const follower = c.after(c.checkOneLeader(), 1 + rng.int(4));
      const level2 = c.checker.handedUpTo(follower);
      c.crash(follower);
      const from = c.checker.maxCommitted;
      commitMany(c, 400 + rng.int(100), 4);
      c.restart(follower);
      catchUp(c, t, follower, c.checker.maxCommitted - from, level2, "(crashed)");
    },
  },
  {
    id: "agree-stale-append-replies",
    part: "B",
    name: "a leader, elected again in a later term, receives very late the replies a follower sent it in its earlier term: they must not count",
    points: 3,
    handout: { section: "Faults and bounds", states: ["up to 15 s late", "a leader acts only on replies to requests of its current term"] },
    run(impl, t) {
      const seen = new Map<NodeId, number>();
      const c = new Cluster(observed(impl, seen), t, { nodes: 5 });
      const rng = c.sim.stream("rounds");
      c.one(c.command(), 5, true);
      const old = c.checkOneLeader();
      const follower = c.after(old, 1 + rng.int(4));
      const majority = c.ids.filter((id) => id !== old && id !== follower);
      const release = c.now + 15_000;
      let hold = true;
      c.intercept((m) => (hold && m.from === follower && m.to === old ? { delaysMs: [1 + rng.int(5), Math.max(1, release - c.now)] } : undefined));
      c.sim.note(`messages from ${follower} to ${old} arrive twice: now, and again at t=${release}ms`);
      c.partition([[old, follower], majority]);
      const oldTerm = c.status(old)?.term ?? 0;
      for (let k = 0; k < 40 + rng.int(40); k++) c.start(old, c.command());
      c.advance(300);
      hold = false;
      const other = c.checkOneLeader(` (${majority.join(", ")}, cut off from ${old} and ${follower})`, majority);
      let last = 0;
      for (let k = 0; k < 3 + rng.int(4); k++) {
        const r = c.start(other, c.command());
        if (r?.isLeader) last = r.index;
      }
      if (last > 0) c.wait(last, 3, -1);
      c.healAll();
      c.advance(500);
      if (!electLeader(c, old, 10) || c.now > release - 1000) return;
      const term = c.status(old)?.term ?? 0;
      c.advance(release + 200 - c.now);
      if (c.status(old)?.role !== "leader" || c.status(old)?.term !== term) return;
      const r = c.start(old, c.command());
      if (!r?.isLeader) return;
      const lacking = missing(c, seen, r.index, 2000);
      if (lacking.includes(follower)) {
        t.fail(`${follower} had not applied index ${r.index} by t=${c.now}ms, 2000ms after ${old} (leader of term ${term}) accepted it, on a reliable network; at t=${release}ms, replies that ${follower} had sent ${old} in term ${oldTerm} (when ${old} led before and ${follower} held entries that a later leader has since cut) arrived late. A leader must ignore replies from earlier terms: only a reply to a request of its current term may change matchIndex or nextIndex`, { node: old });
      }
      if (lacking.length > 0) c.one(c.command(), 5, true);
    },
  },
  {
    id: "storm-seven-nodes",
    part: "C",
    name: "seven nodes: crash storms with restarts, and messages duplicated and reordered (copies up to 400 ms late), while commands arrive everywhere",
    points: 4,
    handout: { section: "Faults and bounds", states: ["of 3, 5 or 7 nodes", "at any moment, including the moment after a node sends a message", "Late copies", "After faults end, a test retries a command at the current leader for up to 10 s"] },
    run(impl, t) {
      const c = new Cluster(impl, t, { nodes: 7 });
      const adversary = c.sim.stream("adversary");
      c.intercept(() =>
        adversary.chance(0.35) ? { delaysMs: adversary.chance(0.5) ? [1 + adversary.int(80)] : [1 + adversary.int(40), 40 + adversary.int(360)] } : undefined,
      );
      const rng = c.sim.stream("storm");
      const end = 15_000;
      let nextStorm = 500;
      while (c.now < end) {
        const id = rng.pick(c.ids);
        if (c.isUp(id)) c.start(id, c.command());
        c.advance(10 + rng.int(50));
        if (c.now < nextStorm) continue;
        nextStorm = c.now + 300 + rng.int(900);
        const down = c.ids.filter((n) => !c.isUp(n)).length;
        const victims = Math.min(1 + rng.int(3), 3 - down);
        for (let k = 0; k < victims; k++) {
          const up = c.ids.filter((n) => c.isUp(n));
          const leader = up.find((n) => c.status(n)?.role === "leader");
          const victim = leader !== undefined && rng.chance(0.5) ? leader : rng.pick(up);
          c.crash(victim);
          c.sim.at(c.now + 50 + rng.int(1500), `restart ${victim}`, () => {
            if (!c.isUp(victim)) c.restart(victim);
          });
        }
      }
      c.intercept(null);
      c.sim.setNetwork(RELIABLE_NETWORK);
      for (const id of c.ids) if (!c.isUp(id)) c.restart(id);
      c.checkOneLeader(` (the storm ended at t=${end}ms; every node is up and the network is reliable)`);
      c.one(c.command(), 7, true);
    },
  },
];
