/**
 * Part C: causal broadcast. Workloads in which nodes broadcast and reply to what they deliver
 * (so causal chains form), under scripted and random network faults, plus a traffic bound.
 */
import type { NodeContext, NodeId } from "../../sim/api.js";
import { faultSchedule } from "../../sim/fault-generators.js";
import { quietAfter, scheduleAdversity } from "../shared/adversity.js";
import type { FaultSchedule } from "../../sim/faults.js";
import type { NetworkConditions } from "../../sim/network.js";
import type { Adversary, Simulation } from "../../sim/simulation.js";
import type { LabTest, TestContext } from "../../runner/suite.js";
import { CausalChecker } from "./causal-checker.js";
import { measureDeadline, type DeadlineStart } from "./deadline-figures.js";
import { PacketLog } from "./packet-log.js";
import type { CausalNode, Lab1 } from "./interface.js";

const NODES = ["n1", "n2", "n3", "n4"];

interface Workload {
  network?: Partial<NetworkConditions>;
  /** Broadcasts started by the workload at random nodes, spread over `spreadMs`. */
  broadcasts: number;
  spreadMs: number;
  /** Chance that a node replies (broadcasts) shortly after delivering someone else's broadcast. */
  replyChance: number;
  maxReplies: number;
  faults?: FaultSchedule;
  adversary?: Adversary;
  settleAt: number;
  endAt: number;
  /** Where the deadline's figure counts from: needed when `endAt` moves with the seed, so the bound is the same on every seed. */
  deadlineSince?: DeadlineStart;
}

function runWorkload(impl: Lab1, t: TestContext, w: Workload): { sim: Simulation; checker: CausalChecker } {
  const sim = t.simulation(w.network ? { network: w.network } : {});
  const checker = new CausalChecker(sim, sim.stream("payloads"), NODES);
  checker.explainWith(new PacketLog(sim, (text) => checker.isPayload(text)));
  const rng = sim.stream("workload");
  for (const id of NODES) {
    sim.addNode(id, (ctx: NodeContext) =>
      impl.createCausalNode(ctx, { deliver: (origin, payload) => checker.deliver(id, origin, payload) }),
    );
  }
  const broadcastAt = (time: number, node: NodeId, why: string) =>
    sim.callAt(time, node, `application: broadcast (${why})`, (n: CausalNode) => n.broadcast(checker.nextPayload(node)));
  for (let k = 0; k < w.broadcasts; k++) {
    broadcastAt(Math.floor(rng.next() * w.spreadMs), rng.pick(NODES), "new");
  }
  let replies = 0;
  checker.onDelivered = (at, b) => {
    if (at !== b.origin && replies < w.maxReplies && sim.now < w.settleAt && rng.chance(w.replyChance)) {
      replies++;
      broadcastAt(sim.now + 1, at, `reply to ${b.name}`);
    }
  };
  scheduleAdversity(sim, w);
  sim.start();
  sim.run(w.endAt);
  measureDeadline(t, checker.deliveryFigures(), w.endAt, "deliveries", w.deadlineSince);
  checker.checkAllDelivered(`${w.endAt - w.settleAt}ms after the network healed at t=${w.settleAt}ms`);
  return { sim, checker };
}

/** Packets per broadcast per other node on a reliable network (one data packet and one ack). */
export const PACKETS_PER_BROADCAST_PER_PEER = 3;

export const causalTests: LabTest<Lab1>[] = [
  {
    id: "causal-basic",
    part: "C",
    name: "a reliable network: every node delivers every broadcast once, its own included",
    points: 3,
    run(impl, t) {
      runWorkload(impl, t, { broadcasts: 20, spreadMs: 500, replyChance: 0.2, maxReplies: 20, settleAt: 0, endAt: 5000 });
    },
  },
  {
    id: "causal-chain",
    part: "C",
    name: "a reply overtakes the message it replies to: it must be held back",
    points: 4,
    run(impl, t) {
      runWorkload(impl, t, {
        broadcasts: 12,
        spreadMs: 300,
        replyChance: 0.6,
        maxReplies: 30,
        // Everything n1 sends to n3 and n4 is slow, so replies from others overtake n1's broadcasts.
        adversary: (m) => (m.from === "n1" && (m.to === "n3" || m.to === "n4") ? { delaysMs: [400] } : undefined),
        settleAt: 3000,
        endAt: 10000,
      });
    },
  },
  {
    id: "causal-held-back-chain",
    part: "C",
    name: "a chain of three replies reaches the last node in reverse order: each is held back, then all are delivered",
    points: 4,
    run(impl, t) {
      // n1 broadcasts; n2 replies when it delivers that; n3 replies to n2's reply. Links to n4 are
      // slow from n1 and less slow from n2, so n4 receives n3's reply first and n1's broadcast last:
      // it must hold two back, and deliver both once n1's arrives.
      const sim = t.simulation({ network: { latency: { kind: "uniform", minMs: 1, maxMs: 10 } } });
      const checker = new CausalChecker(sim, sim.stream("payloads"), NODES);
      checker.explainWith(new PacketLog(sim, (text) => checker.isPayload(text)));
      for (const id of NODES) {
        sim.addNode(id, (ctx: NodeContext) => impl.createCausalNode(ctx, { deliver: (origin, payload) => checker.deliver(id, origin, payload) }));
      }
      const broadcastAt = (time: number, node: NodeId, why: string) =>
        sim.callAt(time, node, `application: broadcast (${why})`, (n: CausalNode) => n.broadcast(checker.nextPayload(node)));
      broadcastAt(10, "n1", "the first of the chain");
      checker.onDelivered = (at, b) => {
        if (at === "n2" && b.name === "n1#1") broadcastAt(sim.now + 1, "n2", "reply to n1#1");
        if (at === "n3" && b.name === "n2#1") broadcastAt(sim.now + 1, "n3", "reply to n2#1");
      };
      scheduleAdversity(sim, {
        adversary: (m) => (m.to === "n4" && m.from === "n1" ? { delaysMs: [600] } : m.to === "n4" && m.from === "n2" ? { delaysMs: [300] } : undefined),
        settleAt: 2000,
      });
      sim.start();
      sim.run(6000);
      measureDeadline(t, checker.deliveryFigures(), 6000, "deliveries");
      checker.checkAllDelivered("4000ms after the network became reliable at t=2000ms");
    },
  },
  {
    id: "causal-reorder-loss",
    part: "C",
    name: "15% loss, 10% duplication, latency 1-150 ms: still exactly once and causal",
    points: 5,
    run(impl, t) {
      runWorkload(impl, t, {
        network: { loss: 0.15, duplicate: 0.1, latency: { kind: "uniform", minMs: 1, maxMs: 150 } },
        broadcasts: 30,
        spreadMs: 2000,
        replyChance: 0.3,
        maxReplies: 40,
        settleAt: 4000,
        endAt: 15000,
      });
    },
  },
  {
    id: "causal-random-faults",
    part: "C",
    name: "random fault schedules (loss, duplication, latency, partitions, pauses)",
    points: 5,
    seeds: 10,
    run(impl, t) {
      const faults = faultSchedule({ nodes: NODES, horizonMs: 3000, maxEpisodes: 5, kinds: ["partition", "one-way", "bad-network", "pause"] });
      t.withGeneratedFaults(faults, (schedule) => {
        const settleAt = quietAfter(schedule, 3000);
        runWorkload(impl, t, {
          network: { loss: 0.05, latency: { kind: "uniform", minMs: 1, maxMs: 60 } },
          broadcasts: 25,
          spreadMs: 3000,
          replyChance: 0.3,
          maxReplies: 30,
          faults: schedule,
          settleAt,
          endAt: settleAt + 15000,
          deadlineSince: { name: "the network healed", at: settleAt },
        });
      });
    },
  },
  {
    id: "causal-efficiency",
    part: "C",
    name: `at most ${PACKETS_PER_BROADCAST_PER_PEER} packets per broadcast per other node on a reliable network`,
    points: 4,
    handout: { section: "Part C: causal broadcast (25 points)", states: ["at most 3 packets per broadcast per other node on a healthy network"] },
    run(impl, t) {
      const { sim, checker } = runWorkload(impl, t, { broadcasts: 30, spreadMs: 1000, replyChance: 0.2, maxReplies: 20, settleAt: 0, endAt: 5000 });
      const budget = checker.broadcasts * (NODES.length - 1) * PACKETS_PER_BROADCAST_PER_PEER;
      // The same comparison as below, per broadcast per other node (exact: the budget is a whole multiple).
      t.measure("packets per broadcast per other node", sim.stats.sent / (checker.broadcasts * (NODES.length - 1)), { atMost: PACKETS_PER_BROADCAST_PER_PEER, unit: "packets" });
      if (sim.stats.sent > budget) {
        t.fail(`${checker.broadcasts} broadcasts among ${NODES.length} nodes took ${sim.stats.sent} packets; the budget is ${budget} (${PACKETS_PER_BROADCAST_PER_PEER} per broadcast per other node). Send each broadcast to each node once (plus acks), rather than flooding or relaying`);
      }
    },
  },
];
