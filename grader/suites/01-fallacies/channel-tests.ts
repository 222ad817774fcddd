/**
 * Part B: the reliable channel. Scripted adversarial schedules (each aimed at one classic mistake),
 * randomized fault schedules, and bounds on state and on traffic.
 */
import type { NodeContext, NodeId } from "../../sim/api.js";
import { retainedState } from "../../check/state-size.js";
import { faultSchedule } from "../../sim/fault-generators.js";
import { quietAfter, scheduleAdversity } from "../shared/adversity.js";
import type { FaultSchedule } from "../../sim/faults.js";
import type { NetworkConditions } from "../../sim/network.js";
import type { Adversary, Simulation } from "../../sim/simulation.js";
import type { LabTest, TestContext } from "../../runner/suite.js";
import { ChannelChecker } from "./channel-checker.js";
import { measureDeadline, type DeadlineStart } from "./deadline-figures.js";
import { explainTraffic, explainUndelivered, quietFailure } from "./channel-diagnosis.js";
import { PacketLog } from "./packet-log.js";
import type { ChannelNode, Lab1 } from "./interface.js";

interface Stream {
  from: NodeId;
  to: NodeId;
  count: number;
  startAt?: number;
  everyMs?: number;
}

export interface Scenario {
  nodes?: NodeId[];
  network?: Partial<NetworkConditions>;
  streams: Stream[];
  faults?: FaultSchedule;
  adversary?: Adversary;
  /** From this time the network is healed and reliable. */
  settleAt: number;
  /** The run ends here; every message of every live sender must have been delivered by then. */
  endAt: number;
}

interface Running {
  t: TestContext;
  sim: Simulation;
  checker: ChannelChecker;
  /** Which packets carried which message, for failure messages that say what the trace shows. */
  log: PacketLog;
  /** The node instance and the objects the grader handed it, per node (latest incarnation). */
  instances: Map<NodeId, { node: ChannelNode; handedIn: unknown[] }>;
}

/** Sets up nodes, the application's streams and the faults; `run` then drives it to the end. */
export function setUp(impl: Lab1, t: TestContext, s: Scenario): Running {
  const sim = t.simulation(s.network ? { network: s.network } : {});
  const checker = new ChannelChecker(sim, sim.stream("payloads"));
  const log = new PacketLog(sim, (text) => checker.isPayload(text));
  const instances: Running["instances"] = new Map();
  for (const id of s.nodes ?? ["n1", "n2"]) {
    sim.addNode(id, (ctx: NodeContext) => {
      checker.started(id);
      const app = { deliver: (from: NodeId, payload: never) => checker.deliver(id, from, payload) };
      const node = impl.createChannelNode(ctx, app);
      instances.set(id, { node, handedIn: [ctx, app] });
      return node;
    });
  }
  for (const stream of s.streams) {
    for (let k = 0; k < stream.count; k++) {
      const at = (stream.startAt ?? 0) + k * (stream.everyMs ?? 5);
      sim.callAt(at, stream.from, `application: send the next message to ${stream.to}`, (node: ChannelNode) =>
        node.send(stream.to, checker.nextPayload(stream.from, stream.to)),
      );
    }
  }
  scheduleAdversity(sim, s);
  sim.start();
  return { t, sim, checker, log, instances };
}

/** `since`: where the test's stated deadline counts from, for its figure (by default t=0: the time of the last delivery). */
export function runToEnd(r: Running, s: Scenario, since?: DeadlineStart): void {
  r.sim.run(s.endAt);
  measureDeadline(r.t, r.checker.deliveryFigures(), s.endAt, "messages", since);
  r.checker.checkAllDelivered(`${s.endAt - s.settleAt}ms after the network healed at t=${s.settleAt}ms`, (lost) => explainUndelivered(r.log, lost, s.settleAt, r.checker, r.sim.now));
}

function scenarioTest(id: string, name: string, points: number, scenario: Scenario): LabTest<Lab1> {
  return {
    id,
    part: "B",
    name,
    points,
    run(impl, t) {
      runToEnd(setUp(impl, t, scenario), scenario);
    },
  };
}

const lossy = (loss: number, duplicate = 0): Partial<NetworkConditions> => ({
  loss,
  duplicate,
  latency: { kind: "uniform", minMs: 1, maxMs: 40 },
});

/** Retransmission budget: after 10 quick tries, about one per unacknowledged message per 500 ms. */
export const partitionBudget = (outstanding: number, partitionMs: number) => outstanding * (10 + Math.ceil(partitionMs / 500));
/** Traffic budget in a 10%-lossy network: packets (data and acks, both ways) per message delivered. */
export const PACKETS_PER_MESSAGE = 3;
export const STATE_BOUND = 400;

export const channelTests: LabTest<Lab1>[] = [
  scenarioTest("channel-basic", "a reliable network: every message arrives once, in order", 3, {
    streams: [{ from: "n1", to: "n2", count: 50, everyMs: 2 }],
    settleAt: 0,
    endAt: 5000,
  }),
  scenarioTest("channel-loss", "30% of packets lost: lost messages are retransmitted", 4, {
    network: lossy(0.3),
    streams: [{ from: "n1", to: "n2", count: 100 }],
    settleAt: 3000,
    endAt: 15000,
  }),
  scenarioTest("channel-duplicates", "half the packets duplicated: each message is still delivered once", 3, {
    network: lossy(0, 0.5),
    streams: [{ from: "n1", to: "n2", count: 100 }],
    settleAt: 3000,
    endAt: 10000,
  }),
  scenarioTest("channel-reorder", "every fourth packet held back past later ones: delivery stays in order", 3, {
    network: { latency: { kind: "uniform", minMs: 1, maxMs: 30 } },
    streams: [{ from: "n1", to: "n2", count: 100, everyMs: 3 }],
    adversary: (m) => (m.from === "n1" && m.linkIndex % 4 === 1 ? { delaysMs: [150] } : undefined),
    settleAt: 3000,
    endAt: 10000,
  }),
  scenarioTest("channel-acks-lost", "every packet from receiver to sender lost for 2 s while data arrives", 3, {
    streams: [{ from: "n1", to: "n2", count: 60, everyMs: 20 }],
    faults: [
      { at: 0, type: "block", from: "n2", to: "n1" },
      { at: 2000, type: "heal" },
    ],
    settleAt: 2000,
    endAt: 12000,
  }),
  scenarioTest("channel-late-duplicate", "copies of early packets arrive 4 s late, after the stream is done", 3, {
    streams: [{ from: "n1", to: "n2", count: 20, everyMs: 5 }],
    adversary: (m) => (m.from === "n1" && (m.linkIndex === 1 || m.linkIndex === 5) ? { delaysMs: [5, 4000] } : undefined),
    settleAt: 6000,
    endAt: 9000,
  }),
  scenarioTest("channel-two-senders", "two senders to one receiver, with overlapping sequence numbers", 3, {
    nodes: ["n1", "n2", "n3"],
    network: lossy(0.1, 0.1),
    streams: [
      { from: "n1", to: "n3", count: 60 },
      { from: "n2", to: "n3", count: 60 },
      { from: "n3", to: "n1", count: 30, everyMs: 10 },
    ],
    settleAt: 3000,
    endAt: 15000,
  }),
  scenarioTest("channel-fan-out", "one sender to two receivers, interleaved: each stream numbered on its own", 3, {
    nodes: ["n1", "n2", "n3"],
    network: lossy(0.1),
    streams: [
      { from: "n1", to: "n2", count: 50, everyMs: 10 },
      { from: "n1", to: "n3", count: 50, startAt: 5, everyMs: 10 },
    ],
    settleAt: 3000,
    endAt: 10000,
  }),
  scenarioTest("channel-sender-restart", "the sender crashes mid-stream and restarts; its new messages still arrive", 5, {
    network: { latency: { kind: "uniform", minMs: 1, maxMs: 20 } },
    streams: [{ from: "n1", to: "n2", count: 100, everyMs: 10 }],
    faults: [
      { at: 305, type: "crash", node: "n1" },
      { at: 405, type: "restart", node: "n1" },
    ],
    // Packets sent just before the crash are held back until after the restart: stragglers.
    adversary: (m) => (m.from === "n1" && m.linkIndex >= 25 && m.linkIndex <= 32 ? { delaysMs: [500] } : undefined),
    settleAt: 1500,
    endAt: 12000,
  }),
  {
    id: "channel-long-partition",
    part: "B",
    name: "an 8 s partition: retransmissions back off while it lasts, and everything arrives within 4 s of the heal",
    points: 4,
    handout: { section: "Part B: a reliable channel (45 points)", states: ["m × (10 + P / 500)", "4 s of the later of"] },
    run(impl, t) {
      const scenario: Scenario = {
        streams: [{ from: "n1", to: "n2", count: 10, startAt: 100, everyMs: 1 }],
        faults: [
          { at: 50, type: "partition", groups: [["n1"], ["n2"]] },
          { at: 8050, type: "heal" },
        ],
        settleAt: 8050,
        // The handout's deadline: delivered within 4 s of the heal.
        endAt: 12050,
      };
      const r = setUp(impl, t, scenario);
      let atStart = 0;
      r.sim.at(50, "count packets", () => (atStart = r.sim.sentBy("n1")));
      r.sim.at(8050, "check the retransmission budget", () => {
        const sent = r.sim.sentBy("n1") - atStart;
        const budget = partitionBudget(10, 8000);
        t.measure("packets n1 sent during the partition", sent, { atMost: budget, unit: "packets" });
        if (sent > budget) {
          t.fail(`n1 sent ${sent} packets during the 8000ms partition for 10 unacknowledged messages; the budget is ${budget} (after about 10 quick retries, back off to about one retransmission per message every 500ms)`, { node: "n1" });
        }
      });
      runToEnd(r, scenario, { name: "the network healed", at: scenario.settleAt });
    },
  },
  {
    id: "channel-random-faults",
    part: "B",
    name: "random fault schedules (loss, duplication, latency, partitions, pauses, sender crashes)",
    points: 5,
    seeds: 10,
    run(impl, t) {
      const faults = faultSchedule({ nodes: ["n1", "n2", "n3"], crashable: ["n3"], horizonMs: 5000, maxEpisodes: 6 });
      t.withGeneratedFaults(faults, (schedule) => {
        const settleAt = quietAfter(schedule, 5000);
        const scenario: Scenario = {
          nodes: ["n1", "n2", "n3"],
          network: lossy(0.05, 0.05),
          streams: [
            { from: "n1", to: "n2", count: 80, everyMs: 60 },
            { from: "n3", to: "n2", count: 80, everyMs: 60 },
            { from: "n2", to: "n1", count: 40, everyMs: 120 },
          ],
          faults: schedule,
          settleAt,
          endAt: settleAt + 15000,
        };
        // The deadline moves with the generated schedule: count its figure from the heal, so its bound is the same on every seed.
        runToEnd(setUp(impl, t, scenario), scenario, { name: "the network healed", at: settleAt });
      });
    },
  },
  {
    id: "channel-bounded-state",
    part: "B",
    name: `dedup state stays bounded: at most ${STATE_BOUND} values retained after 4,000 messages`,
    points: 3,
    handout: { section: "Part B: a reliable channel (45 points)", states: ["400 values"] },
    run(impl, t) {
      const scenario: Scenario = {
        network: { loss: 0.05, duplicate: 0.2, latency: { kind: "uniform", minMs: 1, maxMs: 50 } },
        streams: [{ from: "n1", to: "n2", count: 4000, everyMs: 1 }],
        settleAt: 5000,
        endAt: 20000,
      };
      const r = setUp(impl, t, scenario);
      const measure = (id: NodeId) => {
        const entry = r.instances.get(id);
        return entry ? retainedState(entry.node, entry.handedIn) : 0;
      };
      r.sim.at(1000, "measure the sender's state", () => {
        if (measure("n1") === 0) {
          t.fail("the grader can see no state in the object createChannelNode returned for n1, though it has messages in flight. Keep the channel's state in that object's properties (a class instance, as in the skeleton), not in closures or #private fields, so its size can be checked", { node: "n1" });
        }
      });
      for (const at of [2500, 20000]) {
        r.sim.at(at, "measure the receiver's state", () => {
          const size = measure("n2");
          t.measure("values n2's channel retains", size, { atMost: STATE_BOUND, unit: "values" });
          if (size > STATE_BOUND) {
            t.fail(`after ${r.checker.deliveries} deliveries, n2's channel retains ${size} values (numbers, strings, collection entries); it must stay under ${STATE_BOUND} however many messages pass. Remember a compact summary of what was delivered (e.g. the next expected sequence number), not every message`, { node: "n2" });
          }
        });
      }
      runToEnd(r, scenario);
    },
  },
  {
    id: "channel-efficiency",
    part: "B",
    name: `at most ${PACKETS_PER_MESSAGE} packets per message with 10% loss, and silence once all is acknowledged`,
    points: 3,
    handout: { section: "Part B: a reliable channel (45 points)", states: ["3 packets", "counted from the start to 7.5 s after the heal", "no packets at all"] },
    run(impl, t) {
      const scenario: Scenario = {
        network: { loss: 0.1, latency: { kind: "uniform", minMs: 5, maxMs: 30 } },
        streams: [
          { from: "n1", to: "n2", count: 200, everyMs: 10 },
          { from: "n2", to: "n1", count: 200, everyMs: 10 },
        ],
        settleAt: 2500,
        endAt: 15000,
      };
      const r = setUp(impl, t, scenario);
      let sentBySettle = 0;
      r.sim.at(10000, "count packets", () => (sentBySettle = r.sim.stats.sent));
      runToEnd(r, scenario);
      const perMessage = sentBySettle / r.checker.sent;
      t.measure("packets per message, to t=10000ms", perMessage, { atMost: PACKETS_PER_MESSAGE, unit: "packets" });
      if (perMessage > PACKETS_PER_MESSAGE) {
        t.fail(
          `by t=10000ms the channels had sent ${sentBySettle} packets (data and acks) to deliver ${r.checker.sent} messages: ${perMessage.toFixed(2)} per message, over the budget of ${PACKETS_PER_MESSAGE}. ` +
            explainTraffic(r.log, [["n1", "n2"], ["n2", "n1"]]),
        );
      }
      const idle = r.sim.stats.sent - sentBySettle;
      t.measure("packets while idle, t=10000-15000ms", idle, { atMost: 0, unit: "packets" });
      if (idle > 0) {
        t.fail(quietFailure(r.log, r.checker, 10000, 15000, scenario.settleAt));
      }
    },
  },
];
