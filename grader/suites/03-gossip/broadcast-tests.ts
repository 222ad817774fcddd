/**
 * Part A: broadcast on a given topology. Workloads broadcast fresh values at random nodes under
 * scripted and random faults; the checker fails a duplicate delivery at the step it happens and a
 * missing one after the network has healed. Two efficiency tiers measure messages per broadcast and
 * latency in virtual time on 25 nodes with 100 ms links.
 */
import type { NodeContext, NodeId } from "../../sim/api.js";
import { faultSchedule } from "../../sim/fault-generators.js";
import type { FaultSchedule } from "../../sim/faults.js";
import type { NetworkConditions } from "../../sim/network.js";
import { Random } from "../../sim/random.js";
import type { Adversary, Simulation } from "../../sim/simulation.js";
import type { LabTest, TestContext } from "../../runner/suite.js";
import { quietAfter, scheduleAdversity } from "../shared/adversity.js";
import { BroadcastChecker, describeMetrics, type BroadcastMetrics } from "./broadcast-checker.js";
import type { BroadcastNode, Lab3 } from "./interface.js";
import { linksOnly, nodeNames, topology, type TopologyKind } from "./topology.js";

interface Workload {
  kind: TopologyKind;
  nodes: number;
  network?: Partial<NetworkConditions>;
  broadcasts: number;
  spreadMs: number;
  faults?: FaultSchedule;
  adversary?: Adversary;
  settleAt: number;
  endAt: number;
}

function runWorkload(impl: Lab3, t: TestContext, w: Workload): { sim: Simulation; checker: BroadcastChecker } {
  const sim = t.simulation(w.network ? { network: w.network } : {});
  const names = nodeNames(w.nodes);
  const neighbourLists = topology(w.kind, w.nodes);
  const checker = new BroadcastChecker(sim, names);
  for (const id of names) {
    const neighbours = neighbourLists.get(id) as NodeId[];
    sim.addNode(id, (ctx: NodeContext) =>
      impl.createBroadcastNode(linksOnly(ctx, neighbours, w.kind, () => sim.now), [...neighbours], { deliver: (v) => checker.deliver(id, v) }),
    );
  }
  const links = [...neighbourLists.values()].reduce((sum, ns) => sum + ns.length, 0) / 2;
  sim.afterEachStep(() => {
    const budget = STORM.perBroadcastPerLink * links * checker.broadcasts + (STORM.perNodePerSecond * w.nodes * sim.now) / 1000 + STORM.slack;
    if (sim.stats.sent > budget) {
      t.fail(
        `a message storm: by t=${sim.now}ms the nodes had sent ${sim.stats.sent} messages for ${checker.broadcasts} broadcasts on a ${w.kind} topology with ${links} links. ` +
          `The budget is ${STORM.perBroadcastPerLink} per broadcast per link plus ${STORM.perNodePerSecond} per node per second: forward a value only the first time you see it`,
      );
    }
  });
  const rng = sim.stream("workload");
  for (let k = 0; k < w.broadcasts; k++) {
    const node = rng.pick(names);
    sim.callAt(Math.floor(rng.next() * w.spreadMs), node, "application: broadcast", (n: BroadcastNode) => n.broadcast(checker.register(node)));
  }
  // settleAt 0 means a fault-free run on the starting network, which must then not change.
  if (w.settleAt > 0) scheduleAdversity(sim, w);
  sim.start();
  sim.run(w.endAt);
  checker.checkAllDelivered(`${w.endAt - w.settleAt}ms after the network healed at t=${w.settleAt}ms (${w.kind} topology of ${w.nodes} nodes)`);
  return { sim, checker };
}

/** Every Part A run must stay under this much traffic, checked at every step: no storms. */
export const STORM = { perBroadcastPerLink: 4, perNodePerSecond: 20, slack: 100 } as const;

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

export const broadcastTests: LabTest<Lab3>[] = [
  {
    id: "broadcast-topologies",
    part: "A",
    name: "every topology (line, ring, tree, grid, full mesh): each value reaches every node once",
    points: 6,
    run(impl, t) {
      const cases: [TopologyKind, number][] = [["line", 8], ["ring", 8], ["tree", 10], ["grid", 9], ["mesh", 8]];
      for (const [kind, nodes] of cases) {
        runWorkload(impl, t, { kind, nodes, network: GENTLE, broadcasts: 30, spreadMs: 1500, settleAt: 0, endAt: 8000 });
      }
    },
  },
  {
    id: "broadcast-duplicates-reorder",
    part: "A",
    name: "30% duplication, latency 1-200 ms (heavy reordering) and copies arriving seconds late: no duplicates reach the application",
    points: 5,
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
        endAt: 15000,
      });
    },
  },
  {
    id: "broadcast-loss",
    part: "A",
    name: "25% message loss on a tree (one path between any two nodes): lost gossip is repaired",
    points: 5,
    run(impl, t) {
      runWorkload(impl, t, {
        kind: "tree",
        nodes: 12,
        network: { loss: 0.25, latency: { kind: "uniform", minMs: 1, maxMs: 30 } },
        broadcasts: 40,
        spreadMs: 3000,
        settleAt: 5000,
        endAt: 20000,
      });
    },
  },
  {
    id: "broadcast-partition",
    part: "A",
    name: "partitions cut a line and a grid in two while both sides broadcast; after healing, all values reach all nodes",
    points: 6,
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
          endAt: 15000,
        });
      }
    },
  },
  {
    id: "broadcast-crash-restart",
    part: "A",
    name: "nodes crash and restart while values are broadcast: a restarted node catches up and delivers nothing twice",
    points: 6,
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
      runWorkload(impl, t, { kind: "grid", nodes: 9, network: GENTLE, broadcasts: 50, spreadMs: 4000, faults, settleAt: quietAfter(faults, 4000), endAt: 16000 });
    },
  },
  {
    id: "broadcast-random-faults",
    part: "A",
    name: "random fault schedules (partitions, one-way cuts, loss, duplication, pauses, crashes and restarts)",
    points: 6,
    seeds: 10,
    run(impl, t) {
      const names = nodeNames(9);
      const faults = faultSchedule({ nodes: names, crashable: names, horizonMs: 3000, maxEpisodes: 5, kinds: ["partition", "one-way", "bad-network", "pause", "crash-restart"] });
      t.withGeneratedFaults(faults, (schedule) => {
        const settleAt = quietAfter(schedule, 3000);
        runWorkload(impl, t, { kind: (["ring", "grid", "tree"] as const)[t.seed % 3] as TopologyKind, nodes: 9, network: GENTLE, broadcasts: 30, spreadMs: 3000, faults: schedule, settleAt, endAt: settleAt + 12000 });
      });
    },
  },
  {
    id: "broadcast-efficiency-fast",
    part: "A",
    name: `efficiency, fast tier: under ${EFFICIENCY.fast.messagesPerBroadcast} messages per broadcast, median latency under ${EFFICIENCY.fast.medianLatencyMs}ms, max under ${EFFICIENCY.fast.maxLatencyMs}ms`,
    points: 3,
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
    seeds: 3,
    run(impl, t) {
      const { sim, metrics } = efficiencyRun(impl, t);
      gradeTier(t, sim, metrics, "batched");
    },
  },
];
