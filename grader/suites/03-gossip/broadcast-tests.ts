/**
 * Part A: broadcast on a given topology. Workloads broadcast fresh values at random nodes under
 * scripted and random faults; the checker fails a duplicate delivery at the step it happens and a
 * missing one DELIVERY_BOUND_MS after the network has healed, and the traffic budget (storm.ts) is
 * watched at every step. Two efficiency tiers measure messages per broadcast and
 * latency in virtual time on 25 nodes with 100 ms links.
 */
import type { NodeId } from "../../sim/api.js";
import { faultSchedule } from "../../sim/fault-generators.js";
import type { FaultSchedule } from "../../sim/faults.js";
import type { NetworkConditions } from "../../sim/network.js";
import { Random } from "../../sim/random.js";
import type { Adversary, Simulation } from "../../sim/simulation.js";
import type { HandoutStatement, LabTest, TestContext } from "../../runner/suite.js";
import { quietAfter, scheduleAdversity } from "../shared/adversity.js";
import { BroadcastChecker, describeMetrics, type BroadcastMetrics } from "./broadcast-checker.js";
import { broadcastCluster } from "./broadcast-cluster.js";
import type { Lab3 } from "./interface.js";
import { nodeNames, type TopologyKind } from "./topology.js";

interface Workload {
  kind: TopologyKind;
  nodes: number;
  network?: Partial<NetworkConditions>;
  broadcasts: number;
  spreadMs: number;
  faults?: FaultSchedule;
  adversary?: Adversary;
  settleAt: number;
  /** Default: DELIVERY_BOUND_MS after the heal or the last broadcast, whichever is later. */
  endAt?: number;
}

/** Every value must reach every node within this long of the heal (or of its broadcast, if later). */
export const DELIVERY_BOUND_MS = 10000;

function runWorkload(impl: Lab3, t: TestContext, w: Workload): { sim: Simulation; checker: BroadcastChecker } {
  const { sim, checker, names, broadcastAt, measureTraffic } = broadcastCluster(impl, t, w.kind, w.nodes, w.network ? { network: w.network } : {});
  const rng = sim.stream("workload");
  const times = Array.from({ length: w.broadcasts }, () => Math.floor(rng.next() * w.spreadMs));
  for (const time of times) broadcastAt(time, rng.pick(names));
  // settleAt 0 means a fault-free run on the starting network, which must then not change.
  if (w.settleAt > 0) scheduleAdversity(sim, w);
  const lastBroadcast = Math.max(0, ...times);
  const from = Math.max(w.settleAt, lastBroadcast);
  const endAt = w.endAt ?? from + DELIVERY_BOUND_MS;
  sim.start();
  sim.run(endAt);
  measureTraffic();
  const since = w.settleAt >= lastBroadcast ? `the network healed at t=${w.settleAt}ms` : `the last value was broadcast at t=${lastBroadcast}ms${w.settleAt > 0 ? `, after the network healed at t=${w.settleAt}ms` : " on a healthy network"}`;
  // The efficiency tiers end their runs early, at no stated deadline: their latency figures stand for it.
  checker.measureDelivery(t, "the heal or the last broadcast", from, w.endAt === undefined ? DELIVERY_BOUND_MS : null);
  checker.checkAllDelivered(`${endAt - from}ms after ${since} (${w.kind} topology of ${w.nodes} nodes); every value must reach every node within ${DELIVERY_BOUND_MS / 1000} s of that`);
  return { sim, checker };
}

/** Part A's efficiency tiers: 25 nodes, 100 ms links, reliable network. */
export const EFFICIENCY = {
  nodes: 25,
  linkLatencyMs: 100,
  broadcasts: 400,
  spreadMs: 8000,
  fast: { messagesPerBroadcast: 30, medianLatencyMs: 400, maxLatencyMs: 600 },
  batched: { messagesPerBroadcast: 20, medianLatencyMs: 1000, maxLatencyMs: 2000 },
} as const;

function efficiencyRun(impl: Lab3, t: TestContext): { sim: Simulation; metrics: BroadcastMetrics } {
  const { sim, checker } = runWorkload(impl, t, {
    kind: "mesh",
    nodes: EFFICIENCY.nodes,
    network: { latency: { kind: "constant", ms: EFFICIENCY.linkLatencyMs } },
    broadcasts: EFFICIENCY.broadcasts,
    spreadMs: EFFICIENCY.spreadMs,
    settleAt: 0,
    endAt: EFFICIENCY.spreadMs + 5000,
  });
  return { sim, metrics: checker.metrics() };
}

function gradeTier(t: TestContext, sim: Simulation, m: BroadcastMetrics, tier: "fast" | "batched"): void {
  const bound = EFFICIENCY[tier];
  t.measure("messages per broadcast", m.messagesPerBroadcast, { atMost: bound.messagesPerBroadcast, unit: "messages" });
  t.measure("median latency to the last node", m.medianLatencyMs, { atMost: bound.medianLatencyMs, unit: "ms" });
  t.measure("maximum latency to the last node", m.maxLatencyMs, { atMost: bound.maxLatencyMs, unit: "ms" });
  const over: string[] = [];
  if (!(m.messagesPerBroadcast < bound.messagesPerBroadcast)) over.push(`messages per broadcast must be under ${bound.messagesPerBroadcast}`);
  if (!(m.medianLatencyMs < bound.medianLatencyMs)) over.push(`median latency must be under ${bound.medianLatencyMs}ms`);
  if (!(m.maxLatencyMs < bound.maxLatencyMs)) over.push(`maximum latency must be under ${bound.maxLatencyMs}ms`);
  const summary = `${EFFICIENCY.nodes} nodes, ${EFFICIENCY.linkLatencyMs}ms links: ${describeMetrics(m)}`;
  if (over.length > 0) {
    const hint =
      tier === "batched"
        ? "Batch: hold new values for a short while and send many in one message, and send along a spanning tree rather than to every neighbour"
        : "Spread along a shallow tree (every node within two hops of every other), and keep batching delays short";
    t.fail(`${summary}; but ${over.join(", ")}. ${hint}`);
  }
  sim.note(`metrics (${tier} tier, passed): ${summary}`);
}

const GENTLE = { latency: { kind: "uniform", minMs: 1, maxMs: 20 } } as const;

/** Where the handout states what a Part A test enforces. */
const PART_A = (...states: string[]): HandoutStatement => ({ section: "Part A: broadcast (40 points)", states });

export const broadcastTests: LabTest<Lab3>[] = [
  {
    id: "broadcast-topologies",
    part: "A",
    name: "every topology (line, ring, tree, grid, full mesh): each value reaches every node once",
    points: 6,
    handout: PART_A("a line, a ring, a binary tree, a grid or a full mesh", "exactly once", "within 10 s after the network has healed", "1–20 ms in the topology, partition and crash tests"),
    run(impl, t) {
      const cases: [TopologyKind, number][] = [["line", 8], ["ring", 8], ["tree", 10], ["grid", 9], ["mesh", 8]];
      for (const [kind, nodes] of cases) {
        runWorkload(impl, t, { kind, nodes, network: GENTLE, broadcasts: 30, spreadMs: 1500, settleAt: 0 });
      }
    },
  },
  {
    id: "broadcast-duplicates-reorder",
    part: "A",
    name: "30% duplication, latency 1-200 ms (heavy reordering) and copies arriving seconds late: no duplicates reach the application",
    points: 5,
    handout: PART_A("never twice at a node", "duplication (up to 30%)", "1–200 ms with copies arriving 1.5 s late"),
    run(impl, t) {
      runWorkload(impl, t, {
        kind: "ring",
        nodes: 8,
        network: { duplicate: 0.3, latency: { kind: "uniform", minMs: 1, maxMs: 200 } },
        // Every fifth message on each link also arrives again 1.5 s later.
        adversary: (m) => (m.linkIndex % 5 === 0 ? { delaysMs: [1 + (m.id % 150), 1500] } : undefined),
        broadcasts: 40,
        spreadMs: 2000,
        settleAt: 4000,
      });
    },
  },
  {
    id: "broadcast-loss",
    part: "A",
    name: "25% message loss on a tree (one path between any two nodes): lost gossip is repaired",
    points: 5,
    handout: PART_A("message loss (up to 25% in scripted tests", "1–30 ms in the loss test", "within 10 s after the network has healed"),
    run(impl, t) {
      runWorkload(impl, t, {
        kind: "tree",
        nodes: 12,
        network: { loss: 0.25, latency: { kind: "uniform", minMs: 1, maxMs: 30 } },
        broadcasts: 40,
        spreadMs: 3000,
        settleAt: 5000,
      });
    },
  },
  {
    id: "broadcast-partition",
    part: "A",
    name: "partitions cut a line and a grid in two while both sides broadcast; after healing, all values reach all nodes",
    points: 6,
    handout: PART_A("partitions and one-way cuts", "within 10 s after the network has healed"),
    run(impl, t) {
      for (const [kind, nodes] of [["line", 8], ["grid", 9]] as [TopologyKind, number][]) {
        const names = nodeNames(nodes);
        const cut = 2 + (t.seed % (nodes - 3));
        runWorkload(impl, t, {
          kind,
          nodes,
          network: GENTLE,
          broadcasts: 40,
          spreadMs: 4000,
          faults: [
            { at: 300, type: "partition", groups: [names.slice(0, cut)] },
            { at: 2000, type: "heal" },
            { at: 2500, type: "partition", groups: [names.filter((_, i) => i % 2 === 0)] },
            { at: 4500, type: "heal" },
          ],
          settleAt: 4500,
        });
      }
    },
  },
  {
    id: "broadcast-crash-restart",
    part: "A",
    name: "nodes crash and restart while values are broadcast: a restarted node catches up and delivers nothing twice",
    points: 6,
    handout: PART_A("even across a crash and restart", "crashes, after which the node restarts", "within 10 s after the network has healed"),
    run(impl, t) {
      const names = nodeNames(9);
      const rng = new Random(t.seed, "stream:crashes");
      const faults: FaultSchedule = [0, 1, 2].flatMap((k) => {
        const node = rng.pick(names);
        const at = 400 + k * 1200 + rng.int(400);
        return [
          { at, type: "crash" as const, node },
          { at: at + 500 + rng.int(1000), type: "restart" as const, node },
        ];
      });
      runWorkload(impl, t, { kind: "grid", nodes: 9, network: GENTLE, broadcasts: 50, spreadMs: 4000, faults, settleAt: quietAfter(faults, 4000) });
    },
  },
  {
    id: "broadcast-random-faults",
    part: "A",
    name: "random fault schedules (partitions, one-way cuts, loss, duplication, pauses, crashes and restarts)",
    points: 6,
    handout: PART_A("spells of up to 60% in random schedules", "pauses (a node freezes for up to 2 s", "a long tail of up to 2 s", "within 10 s after the network has healed"),
    seeds: 10,
    run(impl, t) {
      const names = nodeNames(9);
      const faults = faultSchedule({ nodes: names, crashable: names, horizonMs: 3000, maxEpisodes: 5, kinds: ["partition", "one-way", "bad-network", "pause", "crash-restart"] });
      t.withGeneratedFaults(faults, (schedule) => {
        const settleAt = quietAfter(schedule, 3000);
        runWorkload(impl, t, { kind: (["ring", "grid", "tree"] as const)[t.seed % 3] as TopologyKind, nodes: 9, network: GENTLE, broadcasts: 30, spreadMs: 3000, faults: schedule, settleAt });
      });
    },
  },
  {
    id: "broadcast-efficiency-fast",
    part: "A",
    name: `efficiency, fast tier: under ${EFFICIENCY.fast.messagesPerBroadcast} messages per broadcast, median latency under ${EFFICIENCY.fast.medianLatencyMs}ms, max under ${EFFICIENCY.fast.maxLatencyMs}ms`,
    points: 3,
    handout: PART_A("every link 100 ms one way", "| fast | under 30 | under 400 ms | under 600 ms |"),
    seeds: 3,
    run(impl, t) {
      const { sim, metrics } = efficiencyRun(impl, t);
      gradeTier(t, sim, metrics, "fast");
    },
  },
  {
    id: "broadcast-efficiency-batched",
    part: "A",
    name: `efficiency, batched tier: under ${EFFICIENCY.batched.messagesPerBroadcast} messages per broadcast, median latency under ${EFFICIENCY.batched.medianLatencyMs / 1000}s, max under ${EFFICIENCY.batched.maxLatencyMs / 1000}s`,
    points: 3,
    handout: PART_A("every link 100 ms one way", "| batched | under 20 | under 1 s | under 2 s |"),
    seeds: 3,
    run(impl, t) {
      const { sim, metrics } = efficiencyRun(impl, t);
      gradeTier(t, sim, metrics, "batched");
    },
  },
];
