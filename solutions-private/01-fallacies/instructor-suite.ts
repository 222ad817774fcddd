/**
 * Lab 1's instructor-only tests (graded on top of the practice suite; learners never see them).
 * The same contract, checked where the practice suite does not look: a long stream over a link
 * that loses, duplicates and reorders heavily, with a packet budget; a lossy stream right after a
 * long outage, with a deadline (a sender whose timeout stays backed off crawls); clocks that are
 * skewed and drift; and causal broadcast among eight nodes with concurrent senders and a
 * partition that heals late.
 */
import type { NodeContext, NodeId } from "../../grader/sim/api.js";
import type { FaultSchedule } from "../../grader/sim/faults.js";
import type { LabTest } from "../../grader/runner/suite.js";
import type { Simulation } from "../../grader/sim/simulation.js";
import { scheduleAdversity } from "../../grader/suites/shared/adversity.js";
import { CausalChecker } from "../../grader/suites/01-fallacies/causal-checker.js";
import { measureDeadline } from "../../grader/suites/01-fallacies/deadline-figures.js";
import { explainTraffic, explainUndelivered, quietFailure } from "../../grader/suites/01-fallacies/channel-diagnosis.js";
import { runToEnd, setUp, type Scenario } from "../../grader/suites/01-fallacies/channel-tests.js";
import { PacketLog } from "../../grader/suites/01-fallacies/packet-log.js";
import type { CausalNode, Lab1 } from "../../grader/suites/01-fallacies/interface.js";

/** Packets (data and acks, both ways) per message on a 25%-lossy, duplicating, reordering link. */
export const LOSSY_PACKETS_PER_MESSAGE = 3.2;
/** After the outage, every message must be delivered within this long of the last one sent. */
export const RECOVERY_DEADLINE_MS = 4000;

export const instructorTests: LabTest<Lab1>[] = [
  {
    id: "channel-lossy-stream-budget",
    part: "B",
    name: `1,200 messages over a link losing 25%, duplicating 15% and reordering: exactly once, in order, at most ${LOSSY_PACKETS_PER_MESSAGE} packets per message`,
    points: 4,
    seeds: 4,
    handout: { section: "Part B: a reliable channel (45 points)", states: ["3.2 packets per message", "loses 25% and duplicates 15%", "latency 1-120 ms", "exactly once"] },
    run(impl, t) {
      const scenario: Scenario = {
        network: { loss: 0.25, duplicate: 0.15, latency: { kind: "uniform", minMs: 1, maxMs: 120 } },
        streams: [
          { from: "n1", to: "n2", count: 800, everyMs: 5 },
          { from: "n2", to: "n1", count: 400, everyMs: 10 },
        ],
        settleAt: 8000,
        endAt: 25000,
      };
      const r = setUp(impl, t, scenario);
      runToEnd(r, scenario);
      const sent = r.sim.stats.sent;
      const perMessage = sent / r.checker.sent;
      t.measure("packets per message", perMessage, { atMost: LOSSY_PACKETS_PER_MESSAGE, unit: "packets" });
      if (perMessage > LOSSY_PACKETS_PER_MESSAGE) {
        t.fail(
          `by t=${scenario.endAt}ms the channels had sent ${sent} packets (data and acks) for ${r.checker.sent} messages over a link that lost 25% of packets until t=${scenario.settleAt}ms: ` +
            `${perMessage.toFixed(2)} per message, over the budget of ${LOSSY_PACKETS_PER_MESSAGE}. ` +
            explainTraffic(r.log, [["n1", "n2"], ["n2", "n1"]]),
        );
      }
    },
  },
  {
    id: "channel-recovers-after-outage",
    part: "B",
    name: `after a 6 s partition, a stream over a 10%-lossy link keeps up: all delivered within ${RECOVERY_DEADLINE_MS} ms of the last send`,
    points: 4,
    seeds: 4,
    handout: { section: "Part B: a reliable channel (45 points)", states: ["4 s of the later of", "link that merely loses 10% of packets, with the latencies above, counts as up", "a stream of 100 messages per second over it must keep up, within 4 s of each send", "bring the timeout back down once acks flow again"] },
    run(impl, t) {
      const lastSend = 8000 + 399 * 10;
      const scenario: Scenario = {
        network: { loss: 0.1, latency: { kind: "uniform", minMs: 2, maxMs: 30 } },
        streams: [
          { from: "n1", to: "n2", count: 5, startAt: 100, everyMs: 10 },
          { from: "n1", to: "n2", count: 400, startAt: 8000, everyMs: 10 },
        ],
        faults: [
          { at: 50, type: "partition", groups: [["n1"], ["n2"]] },
          { at: 6050, type: "heal" },
        ],
        settleAt: lastSend + RECOVERY_DEADLINE_MS,
        endAt: lastSend + RECOVERY_DEADLINE_MS,
      };
      const r = setUp(impl, t, scenario);
      r.sim.run(scenario.endAt);
      measureDeadline(t, r.checker.deliveryFigures(), scenario.endAt, "messages", { name: "the last send", at: lastSend });
      r.checker.checkAllDelivered(
        `${RECOVERY_DEADLINE_MS}ms after the last of 400 messages was sent from t=8000ms on (the partition healed at t=6050ms; the link loses 10%, and round trips take under 60ms)`,
        (lost) => explainUndelivered(r.log, lost, 6050, r.checker, r.sim.now),
      );
    },
  },
  {
    id: "channel-stale-ack-after-restart",
    part: "B",
    name: "the sender restarts while acks for its previous incarnation are still in flight, and its first new packets are lost",
    points: 4,
    seeds: 4,
    handout: { section: "Part B: a reliable channel (45 points)", states: ["may still arrive after it restarts", "everything its new incarnation sends must be delivered"] },
    run(impl, t) {
      // Acks n2 sends just before n1 crashes arrive after n1 restarts; meanwhile everything the new
      // incarnation sends in its first 300 ms is lost, so only retransmissions can get it through.
      const holder: { sim: Simulation | null } = { sim: null };
      const now = () => holder.sim?.now ?? 0;
      const scenario: Scenario = {
        network: { latency: { kind: "uniform", minMs: 1, maxMs: 20 } },
        streams: [{ from: "n1", to: "n2", count: 100, everyMs: 10 }],
        faults: [
          { at: 305, type: "crash", node: "n1" },
          { at: 405, type: "restart", node: "n1" },
        ],
        adversary: (m) => {
          if (m.from === "n2" && now() >= 250 && now() < 305) return { delaysMs: [450] };
          if (m.from === "n1" && now() >= 405 && now() < 705) return { drop: true };
          return undefined;
        },
        settleAt: 1500,
        endAt: 12000,
      };
      const r = setUp(impl, t, scenario);
      holder.sim = r.sim;
      r.sim.run(scenario.endAt);
      measureDeadline(t, r.checker.deliveryFigures(), scenario.endAt, "messages");
      r.checker.checkAllDelivered(
        `${scenario.endAt - scenario.settleAt}ms after the network healed at t=${scenario.settleAt}ms. n1 restarted at t=405ms while n2's acks for its previous incarnation were still in flight ` +
          `(they arrived around t=700ms): an ack speaks only for the incarnation it names, so it must not mark the new incarnation's messages as delivered`,
        (lost) => explainUndelivered(r.log, lost, scenario.settleAt, r.checker, r.sim.now),
      );
    },
  },
  {
    id: "channel-drifting-clocks",
    part: "B",
    name: "clocks that are offset by minutes and run 30% fast or slow, with pauses: still exactly once, in order, and quiet when done",
    points: 3,
    seeds: 4,
    handout: { section: "Part B: a reliable channel (45 points)", states: ["offset by minutes and run up to 30% fast or slow", "may be paused", "from 7 s after the later of the last send and the heal, no packets at all", "exactly once"] },
    run(impl, t) {
      const faults: FaultSchedule = [
        { at: 0, type: "clock", node: "n1", offsetMs: 180_000, drift: 0.3 },
        { at: 0, type: "clock", node: "n2", offsetMs: -90_000, drift: -0.3 },
        { at: 0, type: "clock", node: "n3", offsetMs: 5_000, drift: 0.1 },
        { at: 700, type: "pause", node: "n2", forMs: 900 },
        { at: 2100, type: "pause", node: "n1", forMs: 600 },
        { at: 2600, type: "clock", node: "n3", offsetMs: 65_000, drift: -0.2 },
      ];
      const scenario: Scenario = {
        nodes: ["n1", "n2", "n3"],
        network: { loss: 0.1, duplicate: 0.1, latency: { kind: "uniform", minMs: 1, maxMs: 60 } },
        streams: [
          { from: "n1", to: "n2", count: 150, startAt: 10, everyMs: 20 },
          { from: "n2", to: "n3", count: 150, startAt: 10, everyMs: 20 },
          { from: "n3", to: "n1", count: 150, startAt: 10, everyMs: 20 },
        ],
        faults,
        settleAt: 4000,
        endAt: 16000,
      };
      const r = setUp(impl, t, scenario);
      let sentAt12s = 0;
      r.sim.at(12000, "count packets", () => (sentAt12s = r.sim.stats.sent));
      runToEnd(r, scenario);
      const idle = r.sim.stats.sent - sentAt12s;
      t.measure("packets while idle, t=12000-16000ms", idle, { atMost: 0, unit: "packets" });
      if (idle > 0) {
        t.fail(quietFailure(r.log, r.checker, 12000, scenario.endAt, scenario.settleAt));
      }
    },
  },
  causalManyNodes(),
];

/** Eight nodes; four of them broadcast in bursts at the same moments, others reply; a minority is cut off until late. */
function causalManyNodes(): LabTest<Lab1> {
  const nodes = ["n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8"];
  return {
    id: "causal-eight-nodes-late-heal",
    part: "C",
    name: "eight nodes, concurrent senders, 10% loss and reordering, three nodes cut off until late: exactly once and causal",
    points: 5,
    seeds: 4,
    handout: { section: "Part C: causal broadcast (25 points)", states: ["four to eight nodes", "a few nodes can be cut off from the rest for seconds", "within 4 s of the later of its broadcast and the heal", "exactly once"] },
    run(impl, t) {
      const settleAt = 5000;
      const endAt = 20000;
      const sim = t.simulation({ network: { loss: 0.1, duplicate: 0.05, latency: { kind: "uniform", minMs: 1, maxMs: 200 } } });
      const checker = new CausalChecker(sim, sim.stream("payloads"), nodes);
      checker.explainWith(new PacketLog(sim, (text) => checker.isPayload(text)));
      const rng = sim.stream("workload");
      for (const id of nodes) {
        sim.addNode(id, (ctx: NodeContext) => impl.createCausalNode(ctx, { deliver: (origin, payload) => checker.deliver(id, origin, payload) }));
      }
      const broadcastAt = (time: number, node: NodeId, why: string) =>
        sim.callAt(time, node, `application: broadcast (${why})`, (n: CausalNode) => n.broadcast(checker.nextPayload(node)));
      // Bursts: at each of these moments several nodes broadcast at once (concurrent messages).
      for (const at of [100, 600, 1500, 2500, 3500]) {
        for (const node of nodes) if (rng.chance(0.5)) broadcastAt(at + Math.floor(rng.next() * 3), node, "burst");
      }
      for (let k = 0; k < 20; k++) broadcastAt(Math.floor(rng.next() * 4000), rng.pick(nodes), "new");
      let replies = 0;
      checker.onDelivered = (at, b) => {
        if (at !== b.origin && replies < 60 && sim.now < settleAt - 500 && rng.chance(0.15)) {
          replies++;
          broadcastAt(sim.now + 1, at, `reply to ${b.name}`);
        }
      };
      const cutOff: NodeId[] = [];
      while (cutOff.length < 3) {
        const node = rng.pick(nodes);
        if (!cutOff.includes(node)) cutOff.push(node);
      }
      scheduleAdversity(sim, {
        faults: [
          { at: 800, type: "partition", groups: [cutOff] },
          { at: settleAt - 1, type: "heal" },
        ],
        // A few links are slow throughout, so replies overtake what they reply to.
        adversary: (m) => (m.from === "n1" && (m.to === "n7" || m.to === "n8") ? { delaysMs: [300] } : undefined),
        settleAt,
      });
      sim.start();
      sim.run(endAt);
      measureDeadline(t, checker.deliveryFigures(), endAt, "deliveries");
      checker.checkAllDelivered(`${endAt - settleAt}ms after the partition of ${cutOff.join(", ")} healed and the network became reliable at t=${settleAt}ms`);
    },
  };
}
