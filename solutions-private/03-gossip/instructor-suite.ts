/**
 * Lab 3's instructor-only tests (graded on top of the practice suite; learners never see them).
 * The same contract and the bounds the handout states, on schedules the practice suite does not
 * use: a full mesh whose hub (the one a star overlay would pick) is cut off for longer than the
 * delivery bound, a larger grid under churn (crashes, restarts, loss, duplication, pauses) within the
 * traffic budget, nine CRDT replicas whose partitions heal long after the last update, and SWIM
 * members that stall, under loss, for the longest stall the handout allows. Each test names the
 * handout section and phrases that state what it enforces.
 */
import type { NodeId } from "../../grader/sim/api.js";
import { Violation } from "../../grader/sim/errors.js";
import type { FaultSchedule } from "../../grader/sim/faults.js";
import { Random } from "../../grader/sim/random.js";
import type { Simulation } from "../../grader/sim/simulation.js";
import type { LabTest, TestContext } from "../../grader/runner/suite.js";
import { scheduleAdversity } from "../../grader/suites/shared/adversity.js";
import { broadcastCluster } from "../../grader/suites/03-gossip/broadcast-cluster.js";
import { DELIVERY_BOUND_MS } from "../../grader/suites/03-gossip/broadcast-tests.js";
import { checkAgainstUpdates, checkConverged, CONVERGE_MS, Expectation, randomUpdates } from "../../grader/suites/03-gossip/crdt-tests.js";
import type { CrdtReadout, Lab3 } from "../../grader/suites/03-gossip/interface.js";
import { runSwim, seededStalls, STALL_BOUND_MS } from "../../grader/suites/03-gossip/swim-tests.js";
import { nodeNames } from "../../grader/suites/03-gossip/topology.js";

// ------------------------------------------------------------------ Part A: broadcast

/**
 * Full mesh of 12: n1, the node a star overlay would pick as its hub (the smallest id), is cut off
 * from everyone for longer than the delivery bound; the values the others broadcast must still
 * reach all of them within the bound, and everything must reach n1 once it is back.
 */
const HUB_CUT = { nodes: 12, cutAt: 300, lastBroadcast: 3000, healAt: 14000 } as const;

function meshHubCutOff(impl: Lab3, t: TestContext): void {
  const { sim, checker, names, broadcastAt, measureTraffic } = broadcastCluster(impl, t, "mesh", HUB_CUT.nodes, { network: { loss: 0.05, latency: { kind: "uniform", minMs: 1, maxMs: 30 } } });
  const hub = [...names].sort()[0] as NodeId;
  const rest = names.filter((n) => n !== hub);
  const rng = sim.stream("workload");
  for (let k = 0; k < 40; k++) {
    const time = Math.floor(rng.next() * HUB_CUT.lastBroadcast);
    broadcastAt(time, rng.pick(names));
    sim.at(time + DELIVERY_BOUND_MS, "check: values spread among the nodes that can talk", () => checkSpread(sim.now - DELIVERY_BOUND_MS));
  }
  // The slowest spread among the nodes that can talk, over the values checked so far (recorded at the end, or when a check fails).
  let slowestSpreadMs = 0;
  const spreadFigure = `time for a value to reach the other ${HUB_CUT.nodes - 1} nodes after its broadcast`;
  const measureSpread = () => t.measure(spreadFigure, slowestSpreadMs, { atMost: DELIVERY_BOUND_MS, unit: "ms" });
  const checkSpread = (broadcastBy: number) => {
    for (const { value, origin, at } of checker.values()) {
      if (origin === hub || at > broadcastBy) continue;
      const missing = rest.find((n) => !checker.hasDelivered(n, value));
      if (missing === undefined) {
        for (const n of rest) slowestSpreadMs = Math.max(slowestSpreadMs, (checker.deliveredAt(n, value) as number) - at);
        continue;
      }
      measureSpread();
      const reached = rest.filter((m) => checker.hasDelivered(m, value)).length;
      throw new Violation(
        `${missing} has not delivered value ${value} (broadcast by ${origin} at t=${at}ms) by t=${sim.now}ms, ${sim.now - at}ms after its broadcast, although only ${hub} is cut off (since t=${HUB_CUT.cutAt}ms) ` +
          `and the other ${rest.length} nodes of the full mesh can all talk to each other (${reached} of them delivered it). No single point of failure: while one node is cut off, ` +
          `the others must keep spreading values among themselves within ${DELIVERY_BOUND_MS / 1000} s. A star may carry the pushes, but anti-entropy must use all your neighbours, not only the hub`,
        { time: sim.now, node: missing },
      );
    }
  };
  scheduleAdversity(sim, {
    faults: [
      { at: HUB_CUT.cutAt, type: "partition", groups: [[hub]] },
      { at: HUB_CUT.healAt, type: "heal" },
    ],
    settleAt: HUB_CUT.healAt,
  });
  sim.start();
  sim.run(HUB_CUT.healAt + DELIVERY_BOUND_MS);
  measureSpread();
  measureTraffic();
  checker.measureDelivery(t, "the heal", HUB_CUT.healAt, DELIVERY_BOUND_MS);
  checker.checkAllDelivered(`${DELIVERY_BOUND_MS}ms after ${hub} was reconnected at t=${HUB_CUT.healAt}ms (full mesh of ${HUB_CUT.nodes} nodes)`);
}

/** A 4x4 grid under churn: crashes and restarts all through the run, loss, duplication and pauses. */
function gridChurn(impl: Lab3, t: TestContext): void {
  const { sim, checker, names, broadcastAt, measureTraffic } = broadcastCluster(impl, t, "grid", 16, { network: { loss: 0.1, duplicate: 0.05, latency: { kind: "uniform", minMs: 1, maxMs: 40 } } });
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
  const wrng = sim.stream("workload");
  for (let k = 0; k < 60; k++) broadcastAt(Math.floor(wrng.next() * 5000), wrng.pick(names));
  const settleAt = Math.max(6000, ...all.map((f) => f.at + ("forMs" in f ? f.forMs : 0))) + 1;
  scheduleAdversity(sim, { faults: all, settleAt });
  sim.start();
  sim.run(settleAt + DELIVERY_BOUND_MS);
  measureTraffic();
  checker.measureDelivery(t, "the heal", settleAt, DELIVERY_BOUND_MS);
  checker.checkAllDelivered(`${DELIVERY_BOUND_MS}ms after the churn ended and the network became reliable at t=${settleAt}ms (4x4 grid, 8 crash-restart episodes)`);
}

// ------------------------------------------------------------------ Part B: CRDTs

const REPLICAS = nodeNames(9);
const ELEMENTS = ["a", "b", "c", "d", "e", "f", "g", "h"];
const LATE = { lastUpdate: 3000, split: 400, healAt: 12000, convergeMs: CONVERGE_MS } as const;

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

/** Four of twelve members stall, one after another, each for the longest stall the handout allows; then one crashes. */
function swimStalls(impl: Lab3, t: TestContext): void {
  const names = nodeNames(12);
  const rng = new Random(t.seed, "stream:stalls");
  const stalls = seededStalls(rng, names, 4, 2000, 7000, STALL_BOUND_MS);
  const alive = names.filter((n) => !stalls.some((p) => p.node === n));
  const victim = alive[rng.int(alive.length)] as NodeId;
  runSwim(impl, t, { nodes: 12, loss: 0.02, stalls, crashes: [{ node: victim, at: 31000 + rng.int(1000) }], endAt: 0 });
}

// ------------------------------------------------------------------ the tests

export const instructorTests: LabTest<Lab3>[] = [
  {
    id: "broadcast-mesh-hub-cut-off",
    part: "A",
    name: "full mesh of 12 with its lowest-named node cut off for 13.7 s: values still reach the other 11 within 10 s of their broadcast",
    points: 5,
    seeds: 4,
    handout: {
      section: "Part A: broadcast (40 points)",
      states: ["no single point of failure", "while one node is cut off from all the others", "within 10 s of its broadcast, even if the cut has not healed", "within 10 s after the network has healed", "message loss"],
    },
    run: meshHubCutOff,
  },
  {
    id: "broadcast-grid-churn",
    part: "A",
    name: "4x4 grid with 10% loss, 8 crash-restart episodes and pauses: every value reaches every node once, within the message budget",
    points: 4,
    seeds: 4,
    handout: {
      section: "Part A: broadcast (40 points)",
      states: ["exactly once", "even across a crash and restart", "within 10 s after the network has healed", "at most 4 messages per broadcast per link, plus 20 messages per node per second", "pauses", "duplication", "message loss", "up to 40 ms in graded extra tests"],
    },
    run: gridChurn,
  },
  {
    id: "crdt-late-heal-nine-replicas",
    part: "B",
    name: "nine replicas in three partitions that heal 9 s after the last update, with loss and duplication: they converge to the right values",
    points: 6,
    seeds: 4,
    handout: {
      section: "Part B: state-based CRDTs (30 points)",
      states: ["within 4 s after the network heals", "however long after the last update the heal comes", "into two or three groups, some lasting 9 s after the last update", "one-way cuts", "message loss and duplication", "up to 80 ms in graded extra tests"],
    },
    run: crdtLateHeal,
  },
  {
    id: "swim-stalled-members",
    part: "C",
    name: `12 members, 2% loss: members that stall for ${STALL_BOUND_MS / 1000} s are never declared dead; a crashed one still is, within the bound`,
    points: 5,
    seeds: 4,
    handout: {
      section: "Part C: a SWIM failure detector (30 points)",
      states: ["stalls", "for up to 2.5 s", "a live node is never declared dead by anyone, including one that stalls", "12 seconds", "message loss is 0%, 2% or 10%"],
    },
    run: swimStalls,
  },
];
