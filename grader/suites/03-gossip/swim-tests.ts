/**
 * Part C: a SWIM failure detector. The grader crashes nodes and polls every live node's membership
 * view every POLL_MS: crashed nodes must be declared dead everywhere within DETECTION_BOUND_MS, live
 * nodes never, and with 10% loss live nodes may spend at most FALSE_SUSPICION_RATE of the time
 * suspected. Membership news must ride on protocol messages: a node's sending rate is bounded.
 */
import type { NodeId } from "../../sim/api.js";
import { Violation } from "../../sim/errors.js";
import type { FaultSchedule } from "../../sim/faults.js";
import { Random } from "../../sim/random.js";
import type { Simulation } from "../../sim/simulation.js";
import type { LabTest, TestContext } from "../../runner/suite.js";
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

const LATENCY = { kind: "uniform", minMs: 5, maxMs: 50 } as const;

interface Scenario {
  nodes: number;
  loss: number;
  crashes: number;
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
}

function runSwim(impl: Lab3, t: TestContext, s: Scenario): { sim: Simulation; result: SwimResult } {
  const sim = t.simulation({ network: { latency: LATENCY, loss: s.loss } });
  const names = nodeNames(s.nodes);
  for (const id of names) sim.addNode(id, (ctx) => impl.createSwimNode(ctx));
  const rng = new Random(t.seed, "stream:crashes");
  const crashedAt = new Map<NodeId, number>();
  const faults: FaultSchedule = Array.from({ length: s.crashes }, (_, k) => ({ at: 3000 + k * 4000 + rng.int(2000), type: "crash" as const, node: names[k * 3 + rng.int(3)] as NodeId }));
  for (const f of faults) if (f.type === "crash") sim.at(f.at, `the grader notes that ${f.node} crashes`, () => crashedAt.set(f.node, sim.now));
  sim.scheduleFaults(faults);
  // Run long enough to hold the last crash to the whole detection bound.
  const endAt = Math.max(s.endAt, ...faults.map((f) => f.at + DETECTION_BOUND_MS + 2 * POLL_MS));

  const deadSince = new Map<string, number>();
  const result: SwimResult = { suspectSamples: 0, samples: 0, maxWindow: { node: "", count: 0, at: 0 }, slowestDetectionMs: 0 };
  const sentHistory = new Map<NodeId, number[]>(names.map((n) => [n, []]));
  const poll = () => {
    const now = sim.now;
    forEachStatus(sim, names, (observer, member, status) => {
      const key = `${observer}>${member}`;
      const crash = crashedAt.get(member);
      if (crash === undefined) {
        if (status === "dead") {
          throw new Violation(`${observer} declared ${member} dead at t=${now}ms, but ${member} never crashed: a suspected node must get the chance to refute (SWIM's suspicion mechanism) before anyone declares it dead`, { time: now, node: observer });
        }
        result.samples++;
        if (status === "suspect") {
          result.suspectSamples++;
          if (s.loss === 0) {
            throw new Violation(`${observer} suspects ${member} at t=${now}ms, on a network that loses nothing and delivers within ${LATENCY.maxMs}ms: probes of a live node must not time out here (is your ping timeout shorter than a round trip?)`, { time: now, node: observer });
          }
        }
      } else if (status === "dead") {
        if (!deadSince.has(key)) {
          deadSince.set(key, now);
          result.slowestDetectionMs = Math.max(result.slowestDetectionMs, now - crash);
        }
      } else {
        if (deadSince.has(key)) throw new Violation(`${observer} declared ${member} dead at t=${deadSince.get(key)}ms, but says "${status}" at t=${now}ms: dead is final`, { time: now, node: observer });
        if (now - crash > DETECTION_BOUND_MS) {
          throw new Violation(
            `${member} crashed at t=${crash}ms, but at t=${now}ms ${observer} still says "${status}": every live node must declare a crashed node dead within ${DETECTION_BOUND_MS}ms (probe, suspect, and spread the news piggybacked on pings and acks)`,
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

export const swimTests: LabTest<Lab3>[] = [
  {
    id: "swim-detect-crash",
    part: "C",
    name: `crashed nodes are declared dead by every live node within ${DETECTION_BOUND_MS / 1000}s, and live ones are never suspected (no loss)`,
    points: 8,
    run(impl, t) {
      runSwim(impl, t, { nodes: 12, loss: 0, crashes: 2, endAt: 0 });
    },
  },
  {
    id: "swim-false-suspicion",
    part: "C",
    name: `10% message loss, no crashes: nobody is declared dead, and live nodes are suspected under ${FALSE_SUSPICION_RATE * 100}% of the time`,
    points: 8,
    run(impl, t) {
      runSwim(impl, t, { nodes: 12, loss: 0.1, crashes: 0, endAt: 60000, rate: true });
    },
  },
  {
    id: "swim-detect-under-loss",
    part: "C",
    name: `10% message loss with crashes: crashed nodes declared dead within ${DETECTION_BOUND_MS / 1000}s, live nodes never`,
    points: 7,
    run(impl, t) {
      runSwim(impl, t, { nodes: 12, loss: 0.1, crashes: 3, endAt: 0 });
    },
  },
  {
    id: "swim-piggyback",
    part: "C",
    name: `20 nodes, crashes: membership news is piggybacked (at most ${MAX_MESSAGES_PER_SECOND} messages per node in any second)`,
    points: 7,
    run(impl, t) {
      runSwim(impl, t, { nodes: 20, loss: 0, crashes: 4, endAt: 0, window: true });
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
