/**
 * The harness every Part A run shares (practice and instructor-only): broadcast nodes on a
 * topology whose links are the only ones that exist, delivering into the grader's checker, with the
 * traffic budget watched at every step.
 */
import type { NodeContext, NodeId } from "../../sim/api.js";
import type { Simulation, SimulationOptions } from "../../sim/simulation.js";
import type { TestContext } from "../../runner/suite.js";
import { BroadcastChecker } from "./broadcast-checker.js";
import type { BroadcastNode, Lab3 } from "./interface.js";
import { StormWatch } from "./storm.js";
import { linksOnly, nodeNames, topology, type TopologyKind } from "./topology.js";

export interface BroadcastCluster {
  sim: Simulation;
  checker: BroadcastChecker;
  names: NodeId[];
  /** Has `node` broadcast a fresh value at `time`. */
  broadcastAt(time: number, node: NodeId): void;
  /** Records the traffic-budget figure; call it once the run is over. */
  measureTraffic(): void;
}

export function broadcastCluster(
  impl: Lab3,
  t: TestContext,
  kind: TopologyKind,
  n: number,
  options: Omit<SimulationOptions, "seed" | "watchPromises"> = {},
): BroadcastCluster {
  const sim = t.simulation(options);
  const names = nodeNames(n);
  const neighbourLists = topology(kind, n);
  const checker = new BroadcastChecker(sim, names);
  const links = [...neighbourLists.values()].reduce((sum, ns) => sum + ns.length, 0) / 2;
  const storms = new StormWatch(sim, t, { kind, nodes: n, links }, () => checker.broadcasts);
  for (const id of names) {
    const neighbours = neighbourLists.get(id) as NodeId[];
    sim.addNode(id, (ctx: NodeContext) => {
      checker.started(id);
      return impl.createBroadcastNode(linksOnly(ctx, neighbours, kind, () => sim.now, (msg) => storms.sent(id, msg)), [...neighbours], {
        deliver: (v) => {
          checker.deliver(id, v);
          storms.delivered(id);
        },
      });
    });
  }
  const broadcastAt = (time: number, node: NodeId) =>
    sim.callAt(time, node, "application: broadcast", (b: BroadcastNode) => b.broadcast(checker.register(node)));
  return { sim, checker, names, broadcastAt, measureTraffic: () => storms.measure() };
}
