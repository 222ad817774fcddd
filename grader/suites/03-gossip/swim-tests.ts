/**
 * Part C: a SWIM failure detector. The grader crashes nodes, stalls (pauses) live ones for up to
 * STALL_BOUND_MS, and polls every live node's membership view every POLL_MS: crashed nodes must be
 * declared dead everywhere within DETECTION_BOUND_MS, live nodes never, and with 10% loss live nodes
 * may spend at most FALSE_SUSPICION_RATE of the time suspected. Membership news must ride on
 * protocol messages: a node's sending rate is bounded on a lossless network. A failure says what the
 * views show about its cause (no suspicion phase, no refutation ever seen, a stalled member declared
 * dead before it could refute, probes failing too often, news that does not spread).
 */
import type { NodeId } from "../../sim/api.js";
import { Violation } from "../../sim/errors.js";
import type { FaultSchedule } from "../../sim/faults.js";
import { Random } from "../../sim/random.js";
import type { Simulation } from "../../sim/simulation.js";
import type { HandoutStatement, LabTest, TestContext } from "../../runner/suite.js";
import type { Lab3, MemberStatus, SwimNode } from "./interface.js";
import { nodeNames } from "./topology.js";

/** Every live node must declare a crashed node dead within this long after the crash. */
export const DETECTION_BOUND_MS = 12000;
/** With 10% loss: at most this fraction of (observer, live member) samples may say "suspect". */
export const FALSE_SUSPICION_RATE = 0.03;
/** Most messages one node may send in any one-second window (ping, ping-req, ack; nothing else). */
export const MAX_MESSAGES_PER_SECOND = 20;
/** How often the grader reads every node's membership view. */
export const POLL_MS = 100;

/** Longest a live member stalls (pauses) in any test; it must never be declared dead for it. */
export const STALL_BOUND_MS = 2500;

/** Time a woken member needs, at most, to hear of a suspicion and have its refutation seen (a few protocol periods). */
const REFUTE_TIME_MS = 1000;

/** One-way latency in every Part C test. */
export const LATENCY = { kind: "uniform", minMs: 5, maxMs: 50 } as const;

export interface Stall {
  node: NodeId;
  at: number;
  forMs: number;
}

export interface Scenario {
  nodes: number;
  loss: number;
  /** How many nodes crash (at seeded times and places), or exactly which ones and when. None restarts. */
  crashes: number | { node: NodeId; at: number }[];
  /** Live members that stall (pause) and then carry on. */
  stalls?: Stall[];
  /** The run lasts at least this long, and long enough to hold every crash to the detection bound. */
  endAt: number;
  /** Check the false-suspicion rate at the end. */
  rate?: boolean;
  /** Check the per-node message window. */
  window?: boolean;
}

interface SwimResult {
  suspectSamples: number;
  samples: number;
  maxWindow: { node: NodeId; count: number; at: number };
  /** Longest time from a crash until an observer declared the crashed node dead. */
  slowestDetectionMs: number;
  /** Live members seen going from alive to suspect, and from suspect back to alive, in some view. */
  suspicions: number;
  refutations: number;
  /** Longest a refuted suspicion lasted, as the polls saw it. */
  longestRefutedMs: number;
  /** Longest time after a crash at which a poll still found a live node not saying "dead" (what the detection bound is checked on). */
  longestUndetectedMs: number;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function runSwim(impl: Lab3, t: TestContext, s: Scenario): { sim: Simulation; result: SwimResult } {
  const sim = t.simulation({ network: { latency: LATENCY, loss: s.loss } });
  const names = nodeNames(s.nodes);
  for (const id of names) sim.addNode(id, (ctx) => impl.createSwimNode(ctx));
  const rng = new Random(t.seed, "stream:crashes");
  const crashes =
    typeof s.crashes === "number" ? Array.from({ length: s.crashes }, (_, k) => ({ at: 3000 + k * 4000 + rng.int(2000), node: names[k * 3 + rng.int(3)] as NodeId })) : s.crashes;
  const stalls = s.stalls ?? [];
  const crashedAt = new Map<NodeId, number>();
  const faults: FaultSchedule = [
    ...stalls.map((p) => ({ at: p.at, type: "pause" as const, node: p.node, forMs: p.forMs })),
    ...crashes.map((c) => ({ at: c.at, type: "crash" as const, node: c.node })),
  ];
  for (const c of crashes) sim.at(c.at, `the grader notes that ${c.node} crashes`, () => crashedAt.set(c.node, sim.now));
  sim.scheduleFaults(faults);
  // Run long enough to hold the last crash to the whole detection bound.
  const endAt = Math.max(s.endAt, ...crashes.map((c) => c.at + DETECTION_BOUND_MS + 2 * POLL_MS));
  // A live member may be suspected only if messages can be lost or it stalls.
  const neverSuspect = s.loss === 0 && stalls.length === 0;

  const deadSince = new Map<string, number>();
  const last = new Map<string, { status: MemberStatus; since: number }>();
  const result: SwimResult = { suspectSamples: 0, samples: 0, maxWindow: { node: "", count: 0, at: 0 }, slowestDetectionMs: 0, suspicions: 0, refutations: 0, longestRefutedMs: 0, longestUndetectedMs: 0 };
  const sentHistory = new Map<NodeId, number[]>(names.map((n) => [n, []]));
  const stallsOf = (member: NodeId) => stalls.filter((p) => p.node === member);

  /** Why a live member was declared dead, from what the views have shown so far. */
  const whyDead = (observer: NodeId, member: NodeId, now: number): string => {
    const own = stallsOf(member);
    const stalled = own.length > 0 ? ` (it stalled from ${own.map((p) => `t=${p.at}ms to t=${p.at + p.forMs}ms`).join(" and ")}, as in a long garbage-collection pause, and then carried on)` : "";
    const was = last.get(`${observer}>${member}`);
    const suspectFor = was?.status === "suspect" ? ` It had been "suspect" at ${observer} since t=${was.since}ms, ${now - was.since}ms before.` : "";
    const base = `${observer} declared ${member} dead at t=${now}ms, but ${member} never crashed${stalled}`;
    if (result.suspicions === 0) {
      return `${base}. Nobody has shown any member as "suspect" in this run, so ${observer} went straight from alive to dead: a member whose probe fails must first be suspected, and declared dead only if it does not refute the suspicion within a timeout`;
    }
    // A member that stalled and was declared dead before it had been awake for a while had no chance to refute.
    const stall = own.filter((p) => p.at <= now).pop();
    const awake = stall === undefined ? Infinity : now - (stall.at + stall.forMs);
    if (awake < 0) {
      return `${base}, while it was still stalled, ${now - (stall as Stall).at}ms into a stall of ${(stall as Stall).forMs}ms.${suspectFor} A member that stalls for up to ${STALL_BOUND_MS / 1000} s must have time to wake up, hear of the suspicion and refute it before anyone declares it dead: make the suspicion timeout comfortably longer than that`;
    }
    if (awake < REFUTE_TIME_MS) {
      return `${base}, only ${awake}ms after it woke up.${suspectFor} A member that stalls for up to ${STALL_BOUND_MS / 1000} s must have time to wake up, hear of the suspicion and refute it before anyone declares it dead: make the suspicion timeout comfortably longer than that`;
    }
    const wokeUp = stall === undefined ? "" : ` It had been awake again for ${awake}ms, long enough to hear of the suspicion and refute it.`;
    if (result.refutations === 0) {
      return `${base}.${wokeUp} ${result.suspicions} times in this run a live member became "suspect" in some view, and not once did a suspect become "alive" again: suspicions are never refuted. A suspect must hear that it is suspected (tell a member you suspect whenever you talk to it) and answer with "alive" and a higher incarnation number, which overrides the suspicion, and that answer must spread (piggybacked) to everyone who suspects it`;
    }
    const rate = result.suspectSamples / Math.max(1, result.samples);
    if (rate > FALSE_SUSPICION_RATE) {
      return `${base}. Live members have been "suspect" in ${pct(rate)} of the grader's samples so far (the bound is ${FALSE_SUSPICION_RATE * 100}%), so probes of live members fail far too often, and sooner or later a refutation loses the race: before suspecting, ask k other members to probe the target too (ping-req) and wait for their answers`;
    }
    return `${base}.${suspectFor} Suspicions that were refuted in this run took up to ${result.longestRefutedMs}ms to clear: give a suspect longer to refute`;
  };

  /** Why a crash is not yet known everywhere: nobody found it, or the ones who did kept it to themselves. */
  const whySlow = (member: NodeId): string => {
    const live = names.filter((n) => n !== member && !crashedAt.has(n));
    const found = [...deadSince].filter(([key]) => key.endsWith(`>${member}`)).sort((a, b) => a[1] - b[1]);
    if (found.length === 0) {
      const suspecting = live.filter((n) => last.get(`${n}>${member}`)?.status === "suspect");
      return suspecting.length === 0
        ? `Nobody has even suspected it: probe every member regularly (a round-robin order reaches each within N protocol periods), and suspect one whose probes go unanswered`
        : `${suspecting.join(", ")} suspect it, but nobody has declared it dead: a suspicion that nobody refutes must end in "dead" when its timeout expires`;
    }
    const [first, since] = found[0] as [string, number];
    return `${first.split(">")[0]} has declared it dead since t=${since}ms, and ${found.length} of ${live.length} live nodes say so, but the news did not reach the others: piggyback membership updates on pings, ping-reqs and acks, each a bounded number of times (a small multiple of log N), so that they spread to everyone`;
  };

  /** Records the figures the checks of this scenario are held to; called at the end, and before a check fails. */
  const measure = () => {
    if (crashes.length > 0) t.measure("time a crashed node was not yet declared dead by a live node", result.longestUndetectedMs, { atMost: DETECTION_BOUND_MS, unit: "ms" });
    if (neverSuspect) t.measure("samples with a live member suspected", result.suspectSamples, { atMost: 0, unit: "samples" });
    if (s.rate) t.measure("share of samples with a live member suspected", (result.suspectSamples / Math.max(1, result.samples)) * 100, { atMost: FALSE_SUSPICION_RATE * 100, unit: "%" });
    if (s.window) t.measure("messages one node sent in a second", result.maxWindow.count, { atMost: MAX_MESSAGES_PER_SECOND, unit: "messages" });
  };

  const poll = () => {
    try {
      checkViews();
    } catch (e) {
      measure();
      throw e;
    }
  };
  const checkViews = () => {
    const now = sim.now;
    forEachStatus(sim, names, (observer, member, status) => {
      const key = `${observer}>${member}`;
      const crash = crashedAt.get(member);
      const before = last.get(key);
      if (before?.status !== status) last.set(key, { status, since: now });
      if (crash === undefined) {
        if (status === "dead") throw new Violation(whyDead(observer, member, now), { time: now, node: observer });
        if (before?.status === "alive" && status === "suspect") result.suspicions++;
        if (before?.status === "suspect" && status === "alive") {
          result.refutations++;
          result.longestRefutedMs = Math.max(result.longestRefutedMs, now - before.since);
        }
        result.samples++;
        if (status === "suspect") {
          result.suspectSamples++;
          if (neverSuspect) {
            throw new Violation(
              `${observer} suspects ${member} at t=${now}ms, on a network that loses nothing, where no member stalls, and one way takes ${LATENCY.minMs}-${LATENCY.maxMs}ms: ` +
                `a direct ping's round trip takes up to ${2 * LATENCY.maxMs}ms and an indirect probe (ping-req, ping, ack, ack) up to ${4 * LATENCY.maxMs}ms, so wait for both before suspecting`,
              { time: now, node: observer },
            );
          }
        }
      } else if (status === "dead") {
        if (!deadSince.has(key)) {
          deadSince.set(key, now);
          result.slowestDetectionMs = Math.max(result.slowestDetectionMs, now - crash);
        }
      } else {
        if (deadSince.has(key)) throw new Violation(`${observer} declared ${member} dead at t=${deadSince.get(key)}ms, but says "${status}" at t=${now}ms: dead is final`, { time: now, node: observer });
        result.longestUndetectedMs = Math.max(result.longestUndetectedMs, now - crash);
        if (now - crash > DETECTION_BOUND_MS) {
          throw new Violation(
            `${member} crashed at t=${crash}ms, but at t=${now}ms ${observer} still says "${status}": every live node must declare a crashed node dead within ${DETECTION_BOUND_MS}ms. ${whySlow(member)}`,
            { time: now, node: observer },
          );
        }
      }
    });
    for (const n of names) {
      const history = sentHistory.get(n) as number[];
      history.push(sim.sentBy(n));
      const windowPolls = 1000 / POLL_MS;
      if (history.length > windowPolls) {
        const count = (history[history.length - 1] as number) - (history[history.length - 1 - windowPolls] as number);
        if (count > result.maxWindow.count) result.maxWindow = { node: n, count, at: now };
        if (s.window && count > MAX_MESSAGES_PER_SECOND) {
          throw new Violation(
            `${n} sent ${count} messages between t=${now - 1000}ms and t=${now}ms; a SWIM node sends at most ${MAX_MESSAGES_PER_SECOND} in any second: a ping per protocol period, ping-reqs and acks. Piggyback membership updates on those messages instead of sending them separately`,
            { time: now, node: n },
          );
        }
      }
    }
    if (now + POLL_MS <= endAt) sim.at(now + POLL_MS, "check: membership views", poll);
  };
  sim.at(POLL_MS, "check: membership views", poll);
  sim.start();
  sim.run(endAt);
  measure();
  if (s.rate) {
    const rate = result.suspectSamples / result.samples;
    if (rate > FALSE_SUSPICION_RATE) {
      t.fail(
        `with ${s.loss * 100}% message loss and no crashes, live nodes were suspected in ${(rate * 100).toFixed(2)}% of the grader's samples of (observer, member) views; the bound is ${FALSE_SUSPICION_RATE * 100}%. Use indirect probes (ping-req through other members) before suspecting, and refute suspicions quickly`,
      );
    }
  }
  sim.note(`slowest detection ${result.slowestDetectionMs}ms; suspected live members in ${((result.suspectSamples / result.samples) * 100).toFixed(2)}% of samples; busiest node ${result.maxWindow.node} sent ${result.maxWindow.count} messages in the second before t=${result.maxWindow.at}ms`);
  return { sim, result };
}

/** `count` distinct members of `names`, each stalling for `forMs` once, the k-th around `firstAt + k * everyMs`. */
export function seededStalls(rng: Random, names: readonly NodeId[], count: number, firstAt: number, everyMs: number, forMs: number): Stall[] {
  const free = [...names];
  return Array.from({ length: count }, (_, k) => {
    const node = free.splice(rng.int(free.length), 1)[0] as NodeId;
    return { node, at: firstAt + k * everyMs + rng.int(1000), forMs };
  });
}

/** Where the handout states what a Part C test enforces. */
const PART_C = (...states: string[]): HandoutStatement => ({ section: "Part C: a SWIM failure detector (30 points)", states });

export const swimTests: LabTest<Lab3>[] = [
  {
    id: "swim-detect-crash",
    part: "C",
    name: `crashed nodes are declared dead by every live node within ${DETECTION_BOUND_MS / 1000}s, and live ones are never suspected (no loss)`,
    points: 7,
    handout: PART_C("12 seconds", "a live node that does not stall is never even suspected", "one-way latency is 5–50 ms in every test"),
    run(impl, t) {
      runSwim(impl, t, { nodes: 12, loss: 0, crashes: 2, endAt: 0 });
    },
  },
  {
    id: "swim-false-suspicion",
    part: "C",
    name: `10% message loss, no crashes: nobody is declared dead, and live nodes are suspected under ${FALSE_SUSPICION_RATE * 100}% of the time`,
    points: 7,
    handout: PART_C("with 10% message loss and no crashes, over 60 seconds on 12 nodes", "3%", "never declared dead by anyone"),
    run(impl, t) {
      runSwim(impl, t, { nodes: 12, loss: 0.1, crashes: 0, endAt: 60000, rate: true });
    },
  },
  {
    id: "swim-detect-under-loss",
    part: "C",
    name: `10% message loss with crashes: crashed nodes declared dead within ${DETECTION_BOUND_MS / 1000}s, live nodes never`,
    points: 6,
    handout: PART_C("12 seconds", "never declared dead by anyone", "message loss is 0%, 2% or 10%"),
    run(impl, t) {
      runSwim(impl, t, { nodes: 12, loss: 0.1, crashes: 3, endAt: 0 });
    },
  },
  {
    id: "swim-piggyback",
    part: "C",
    name: `20 nodes, crashes: membership news is piggybacked (at most ${MAX_MESSAGES_PER_SECOND} messages per node in any second)`,
    points: 5,
    handout: PART_C("20 messages in any one-second window", "on a network that loses nothing (`swim-piggyback`)"),
    run(impl, t) {
      runSwim(impl, t, { nodes: 20, loss: 0, crashes: 4, endAt: 0, window: true });
    },
  },
  {
    id: "swim-stalled-member",
    part: "C",
    name: `members that stall for ${STALL_BOUND_MS / 1000} s on a network that loses nothing are never declared dead; a crash is still detected within ${DETECTION_BOUND_MS / 1000}s`,
    points: 5,
    handout: PART_C("for up to 2.5 s", "including one that stalls", "12 seconds"),
    run(impl, t) {
      const names = nodeNames(10);
      const rng = new Random(t.seed, "stream:stalls");
      const stalls = seededStalls(rng, names.slice(1), 3, 2000, 6000, STALL_BOUND_MS);
      const victim = names.find((n) => !stalls.some((p) => p.node === n)) as NodeId;
      runSwim(impl, t, { nodes: 10, loss: 0, stalls, crashes: [{ node: victim, at: 21000 + rng.int(1000) }], endAt: 0 });
    },
  },
];

/**
 * Calls `visit` with what each running node's members() says of every other node, after checking
 * the answer is one of "alive", "suspect" and "dead".
 */
export function forEachStatus(sim: Simulation, names: readonly NodeId[], visit: (observer: NodeId, member: NodeId, status: MemberStatus) => void): void {
  for (const observer of names) {
    const node = sim.handlersOf<SwimNode>(observer);
    if (node === null) continue;
    const view = node.members();
    for (const member of names) {
      if (member === observer) continue;
      const status = view[member] as MemberStatus | undefined;
      if (status !== "alive" && status !== "suspect" && status !== "dead") {
        throw new Violation(`${observer}.members() gives ${JSON.stringify(status)} for ${member} at t=${sim.now}ms; every peer must be listed as "alive", "suspect" or "dead"`, { time: sim.now, node: observer });
      }
      visit(observer, member, status);
    }
  }
}
