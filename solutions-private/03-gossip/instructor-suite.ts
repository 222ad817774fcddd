/**
 * Lab 3's instructor-only tests (graded on top of the practice suite; learners never see them).
 * The same contract, checked where the practice suite does not look: a full mesh whose busiest
 * node is cut off for a long time, a larger grid under churn (crashes, restarts, loss) with a
 * message budget, nine CRDT replicas whose partitions heal long after the last update, and SWIM
 * members that stall (pause) for a couple of seconds without crashing.
 */
import type { NodeContext, NodeId } from "../../grader/sim/api.js";
import { Violation } from "../../grader/sim/errors.js";
import type { FaultSchedule } from "../../grader/sim/faults.js";
import { Random } from "../../grader/sim/random.js";
import type { Simulation } from "../../grader/sim/simulation.js";
import type { LabTest, TestContext } from "../../grader/runner/suite.js";
import { scheduleAdversity } from "../../grader/suites/shared/adversity.js";
import { BroadcastChecker } from "../../grader/suites/03-gossip/broadcast-checker.js";
import { STORM } from "../../grader/suites/03-gossip/broadcast-tests.js";
import { checkAgainstUpdates, checkConverged, Expectation, randomUpdates } from "../../grader/suites/03-gossip/crdt-tests.js";
import type { BroadcastNode, CrdtReadout, Lab3 } from "../../grader/suites/03-gossip/interface.js";
import { DETECTION_BOUND_MS, forEachStatus, POLL_MS } from "../../grader/suites/03-gossip/swim-tests.js";
import { linksOnly, nodeNames, topology, type TopologyKind } from "../../grader/suites/03-gossip/topology.js";

// ------------------------------------------------------------------ Part A: broadcast

interface BroadcastRun {
  sim: Simulation;
  checker: BroadcastChecker;
  /** Per node, the values it has delivered. */
  delivered: Map<NodeId, Set<number>>;
  /** Per value, who broadcast it and when. */
  origins: Map<number, { node: NodeId; at: number }>;
}

/** Nodes on a topology, each delivering into the practice suite's checker, with the storm budget checked at every step. */
function broadcastCluster(impl: Lab3, t: TestContext, kind: TopologyKind, n: number, network: Parameters<TestContext["simulation"]>[0]): BroadcastRun {
  const sim = t.simulation(network);
  const names = nodeNames(n);
  const neighbourLists = topology(kind, n);
  const checker = new BroadcastChecker(sim, names);
  const delivered = new Map<NodeId, Set<number>>(names.map((id) => [id, new Set()]));
  for (const id of names) {
    const neighbours = neighbourLists.get(id) as NodeId[];
    sim.addNode(id, (ctx: NodeContext) =>
      impl.createBroadcastNode(linksOnly(ctx, neighbours, kind, () => sim.now), [...neighbours], {
        deliver: (v) => {
          checker.deliver(id, v);
          delivered.get(id)?.add(v);
        },
      }),
    );
  }
  const links = [...neighbourLists.values()].reduce((sum, ns) => sum + ns.length, 0) / 2;
  sim.afterEachStep(() => {
    const budget = STORM.perBroadcastPerLink * links * checker.broadcasts + (STORM.perNodePerSecond * n * sim.now) / 1000 + STORM.slack;
    if (sim.stats.sent > budget) {
      t.fail(
        `a message storm: by t=${sim.now}ms the nodes had sent ${sim.stats.sent} messages for ${checker.broadcasts} broadcasts on a ${kind} topology with ${links} links. ` +
          `The budget is ${STORM.perBroadcastPerLink} per broadcast per link plus ${STORM.perNodePerSecond} per node per second: forward a value only the first time you see it`,
      );
    }
  });
  return { sim, checker, delivered, origins: new Map() };
}

function broadcastAt(r: BroadcastRun, time: number, node: NodeId): void {
  r.sim.callAt(time, node, "application: broadcast", (b: BroadcastNode) => {
    const value = r.checker.register(node);
    r.origins.set(value, { node, at: r.sim.now });
    b.broadcast(value);
  });
}

/** Full mesh of 12: n1 is the node a star overlay would pick as its hub (the smallest id). */
const HUB_CUT = { nodes: 12, cutAt: 300, checkAt: 12000, healAt: 12000, lastBroadcast: 3000, endAt: 20000 } as const;

function meshHubCutOff(impl: Lab3, t: TestContext): void {
  const r = broadcastCluster(impl, t, "mesh", HUB_CUT.nodes, { network: { loss: 0.05, latency: { kind: "uniform", minMs: 1, maxMs: 30 } } });
  const names = nodeNames(HUB_CUT.nodes);
  const hub = [...names].sort()[0] as NodeId;
  const rest = names.filter((n) => n !== hub);
  const rng = r.sim.stream("workload");
  for (let k = 0; k < 40; k++) broadcastAt(r, Math.floor(rng.next() * HUB_CUT.lastBroadcast), rng.pick(names));
  scheduleAdversity(r.sim, {
    faults: [
      { at: HUB_CUT.cutAt, type: "partition", groups: [[hub]] },
      { at: HUB_CUT.healAt, type: "heal" },
    ],
    settleAt: HUB_CUT.healAt,
  });
  r.sim.at(HUB_CUT.checkAt - 1, "check: values spread among the nodes that can talk", () => {
    for (const [value, origin] of r.origins) {
      if (origin.node === hub) continue;
      for (const n of rest) {
        if (!(r.delivered.get(n) as Set<number>).has(value)) {
          const reached = rest.filter((m) => (r.delivered.get(m) as Set<number>).has(value)).length;
          throw new Violation(
            `${n} has not delivered value ${value} (broadcast by ${origin.node} at t=${origin.at}ms) by t=${r.sim.now}ms, although ${hub} alone has been cut off since t=${HUB_CUT.cutAt}ms ` +
              `and the other ${rest.length} nodes of the full mesh can all talk to each other (${reached} of them delivered it). Spreading and repair must not depend on any single node: ` +
              `anti-entropy with random neighbours from the whole topology gets around a node that is down`,
            { time: r.sim.now, node: n },
          );
        }
      }
    }
  });
  r.sim.start();
  r.sim.run(HUB_CUT.endAt);
  r.checker.checkAllDelivered(`${HUB_CUT.endAt - HUB_CUT.healAt}ms after ${hub} was reconnected at t=${HUB_CUT.healAt}ms (full mesh of ${HUB_CUT.nodes} nodes)`);
}

/** A 4x4 grid under churn: crashes and restarts all through the run, loss, and pauses. */
function gridChurn(impl: Lab3, t: TestContext): void {
  const r = broadcastCluster(impl, t, "grid", 16, { network: { loss: 0.1, duplicate: 0.05, latency: { kind: "uniform", minMs: 1, maxMs: 40 } } });
  const names = nodeNames(16);
  const rng = new Random(t.seed, "stream:churn");
  const faults: FaultSchedule = Array.from({ length: 8 }, (_, k) => {
    const node = rng.pick(names);
    const at = 200 + k * 600 + rng.int(400);
    return [
      { at, type: "crash" as const, node },
      { at: at + 300 + rng.int(1200), type: "restart" as const, node },
    ];
  }).flat();
  const pauses: FaultSchedule = [0, 1, 2].map((k) => ({ at: 500 + k * 1500 + rng.int(500), type: "pause" as const, node: rng.pick(names), forMs: 500 + rng.int(1000) }));
  const all = [...faults, ...pauses];
  const wrng = r.sim.stream("workload");
  for (let k = 0; k < 60; k++) broadcastAt(r, Math.floor(wrng.next() * 5000), wrng.pick(names));
  const settleAt = Math.max(6000, ...all.map((f) => f.at + ("forMs" in f ? f.forMs : 0))) + 1;
  scheduleAdversity(r.sim, { faults: all, settleAt });
  r.sim.start();
  r.sim.run(settleAt + 15000);
  r.checker.checkAllDelivered(`15000ms after the churn ended and the network became reliable at t=${settleAt}ms (4x4 grid, 8 crash-restart episodes)`);
}

// ------------------------------------------------------------------ Part B: CRDTs

const REPLICAS = nodeNames(9);
const ELEMENTS = ["a", "b", "c", "d", "e", "f", "g", "h"];
const LATE = { lastUpdate: 3000, split: 400, healAt: 12000, convergeMs: 5000 } as const;

const readAll = (sim: Simulation, why: string): CrdtReadout =>
  checkConverged(
    sim,
    why,
    REPLICAS,
    "replicas must keep gossiping state, even long after the last update, until they converge " +
      "(a rumour that stops spreading when nothing changes locally never crosses a partition that heals late)",
  );

function crdtLateHeal(impl: Lab3, t: TestContext): void {
  const sim = t.simulation({ network: { loss: 0.1, duplicate: 0.1, latency: { kind: "uniform", minMs: 1, maxMs: 80 } } });
  for (const id of REPLICAS) sim.addNode(id, (ctx) => impl.createCrdtNode(ctx));
  const expect = new Expectation();
  randomUpdates(sim, REPLICAS, expect, LATE.lastUpdate, { minMs: 10, spreadMs: 30, elements: ELEMENTS });
  // Three groups that cannot talk to each other, and within the first group a one-way cut.
  const groups = [REPLICAS.slice(0, 3), REPLICAS.slice(3, 6), REPLICAS.slice(6)];
  scheduleAdversity(sim, {
    faults: [
      { at: LATE.split, type: "partition", groups },
      { at: LATE.split, type: "block", from: "n1", to: "n2" },
      { at: LATE.healAt, type: "heal" },
    ],
    settleAt: LATE.healAt,
  });
  sim.at(LATE.healAt + LATE.convergeMs, "check: replicas converged", () => {
    const read = readAll(sim, `${LATE.convergeMs}ms after a three-way partition (from t=${LATE.split}ms) healed at t=${LATE.healAt}ms, ${LATE.healAt - LATE.lastUpdate}ms after the last update`);
    checkAgainstUpdates(sim, read, expect, ELEMENTS);
  });
  sim.start();
  sim.run(LATE.healAt + LATE.convergeMs + 1);
}

// ------------------------------------------------------------------ Part C: SWIM

interface SwimPlan {
  nodes: number;
  loss: number;
  pauses: { node: NodeId; at: number; forMs: number }[];
  crashes: { node: NodeId; at: number }[];
  endAt: number;
}

/** Polls every view: stalled (paused) members are never declared dead; crashed ones are, within the bound. */
function runSwimPlan(impl: Lab3, t: TestContext, plan: SwimPlan): void {
  const sim = t.simulation({ network: { latency: { kind: "uniform", minMs: 5, maxMs: 50 }, loss: plan.loss } });
  const names = nodeNames(plan.nodes);
  for (const id of names) sim.addNode(id, (ctx) => impl.createSwimNode(ctx));
  const crashedAt = new Map<NodeId, number>();
  const faults: FaultSchedule = [
    ...plan.pauses.map((p) => ({ at: p.at, type: "pause" as const, node: p.node, forMs: p.forMs })),
    ...plan.crashes.map((c) => ({ at: c.at, type: "crash" as const, node: c.node })),
  ];
  for (const c of plan.crashes) sim.at(c.at, `the grader notes that ${c.node} crashes`, () => crashedAt.set(c.node, sim.now));
  sim.scheduleFaults(faults);
  const stalls = (member: NodeId) =>
    plan.pauses
      .filter((p) => p.node === member)
      .map((p) => `t=${p.at}ms to t=${p.at + p.forMs}ms`)
      .join(" and ");
  const deadSince = new Map<string, number>();
  const poll = () => {
    const now = sim.now;
    forEachStatus(sim, names, (observer, member, status) => {
      const crash = crashedAt.get(member);
      if (crash === undefined) {
        if (status === "dead") {
          const stalled = stalls(member);
          throw new Violation(
            `${observer} declared ${member} dead at t=${now}ms, but ${member} never crashed` +
              (stalled ? ` (it stalled, as in a long garbage-collection pause, from ${stalled}, and then carried on)` : "") +
              `: a suspect must have long enough to hear of the suspicion and refute it, a couple of seconds of silence included, before anyone declares it dead`,
            { time: now, node: observer },
          );
        }
      } else if (status === "dead") {
        if (!deadSince.has(`${observer}>${member}`)) deadSince.set(`${observer}>${member}`, now);
      } else if (now - crash > DETECTION_BOUND_MS) {
        throw new Violation(
          `${member} crashed at t=${crash}ms, but at t=${now}ms ${observer} still says "${status}": every live node must declare a crashed node dead within ${DETECTION_BOUND_MS}ms`,
          { time: now, node: observer },
        );
      } else if (deadSince.has(`${observer}>${member}`)) {
        throw new Violation(`${observer} declared ${member} dead at t=${deadSince.get(`${observer}>${member}`)}ms, but says "${status}" at t=${now}ms: dead is final`, { time: now, node: observer });
      }
    });
    if (now + POLL_MS <= plan.endAt) sim.at(now + POLL_MS, "check: membership views", poll);
  };
  sim.at(POLL_MS, "check: membership views", poll);
  sim.start();
  sim.run(plan.endAt);
}

/** How long the stalled members stop: well under the detection bound, and longer than a few protocol periods. */
export const STALL_MS = 2500;

function swimStalls(impl: Lab3, t: TestContext): void {
  const rng = new Random(t.seed, "stream:stalls");
  const names = nodeNames(12);
  const pick = () => names[rng.int(names.length)] as NodeId;
  const stalled = new Set<NodeId>();
  const pauses: SwimPlan["pauses"] = [];
  for (let k = 0; k < 4; k++) {
    let node = pick();
    while (stalled.has(node)) node = pick();
    stalled.add(node);
    pauses.push({ node, at: 2000 + k * 7000 + rng.int(1000), forMs: STALL_MS });
  }
  let victim = pick();
  while (stalled.has(victim)) victim = pick();
  const crashAt = 31000 + rng.int(1000);
  runSwimPlan(impl, t, { nodes: 12, loss: 0.02, pauses, crashes: [{ node: victim, at: crashAt }], endAt: crashAt + DETECTION_BOUND_MS + 2 * POLL_MS });
}

// ------------------------------------------------------------------ the tests

export const instructorTests: LabTest<Lab3>[] = [
  {
    id: "broadcast-mesh-hub-cut-off",
    part: "A",
    name: "full mesh of 12 with its lowest-named node cut off for 12 s: values still spread among the other 11 meanwhile",
    points: 5,
    seeds: 4,
    run: meshHubCutOff,
  },
  {
    id: "broadcast-grid-churn",
    part: "A",
    name: "4x4 grid with 10% loss, 8 crash-restart episodes and pauses: every value reaches every node once, within the message budget",
    points: 4,
    seeds: 4,
    run: gridChurn,
  },
  {
    id: "crdt-late-heal-nine-replicas",
    part: "B",
    name: "nine replicas in three partitions that heal 9 s after the last update, with loss and duplication: they converge to the right values",
    points: 6,
    seeds: 4,
    run: crdtLateHeal,
  },
  {
    id: "swim-stalled-members",
    part: "C",
    name: `12 members, 2% loss: members that stall for ${STALL_MS / 1000} s are never declared dead; a crashed one still is, within the bound`,
    points: 5,
    seeds: 4,
    run: swimStalls,
  },
];
