/**
 * Part C: Ben-Or's randomized binary consensus with crash failures (f < n/2). Agreement and validity
 * are checked at every decision; termination at the end of each run. Each seed runs many instances
 * and reports how many rounds they took.
 */
import type { NodeContext, NodeId } from "../../sim/api.js";
import { Violation } from "../../sim/errors.js";
import type { LabTest, TestContext } from "../../runner/suite.js";
import type { Random } from "../../sim/random.js";
import type { Simulation } from "../../sim/simulation.js";
import type { Bit, Lab4 } from "./interface.js";

export interface Instance {
  n: number;
  f: number;
  inputs: Bit[];
  /** Nodes that crash, and when (virtual ms); -1 = silent from the start. */
  crashes: [number, number][];
  /** The run ends here; every live node must have decided. */
  endAt: number;
}

const nodeName = (i: number) => `n${i + 1}`;

/** Every message in an instance takes 1-50 ms (uniformly), unless a test's adversary says otherwise. */
export const BEN_OR_LATENCY = { minMs: 1, maxMs: 50 };

/** Runs one instance; returns the round in which the last live node decided. */
function runInstance(impl: Lab4, t: TestContext, inst: Instance, label: string): number {
  const sim = t.simulation({ network: { latency: { kind: "uniform", ...BEN_OR_LATENCY } }, maxEvents: 400_000 });
  const decisions = new Map<NodeId, Decision>();
  const seen = new Traffic(sim);
  const ids = inst.inputs.map((_, i) => nodeName(i));
  const fail = (node: NodeId, message: string): never => {
    throw new Violation(`${label}: ${message}`, { time: sim.now, node });
  };
  inst.inputs.forEach((input, i) => {
    const id = nodeName(i);
    sim.addNode(id, (ctx: NodeContext) =>
      impl.createBenOrNode(ctx, input, inst.f, {
        decided(value, round) {
          if (value !== 0 && value !== 1) fail(id, `${id} decided ${JSON.stringify(value)}; Ben-Or decides a bit, 0 or 1`);
          if (decisions.has(id)) fail(id, `${id} decided twice (app.decided must be called once)`);
          if (!inst.inputs.includes(value)) fail(id, `${id} decided ${value}, but every node's input was ${inst.inputs[0]}: validity says only an input can be decided`);
          for (const [other, d] of decisions) {
            if (d.value !== value) fail(id, `${id} decided ${value} in round ${round}, but ${other} decided ${d.value} in round ${d.round}: agreement is broken. Decide v only with at least f + 1 = ${inst.f + 1} proposals of v in a round, adopt v with fewer (but at least one) and flip a coin only with none, and propose v only when more than n/2 = ${inst.n / 2} of all nodes reported v`);
          }
          decisions.set(id, { value, round, at: sim.now, sentBefore: seen.sent(id).length });
        },
      }),
    );
  });
  for (const [i, at] of inst.crashes) {
    const id = nodeName(i);
    if (at < 0) {
      sim.partition([[id]]);
      sim.at(0, `${id} crashes before saying anything`, () => sim.crash(id));
    } else sim.at(at, `crash ${id}`, () => sim.crash(id));
  }
  sim.start();
  sim.run(inst.endAt);
  const live = ids.filter((id) => sim.isUp(id));
  const undecided = live.filter((id) => !decisions.has(id));
  // When the last live node decided; if some never did, there is no such time, and the figure is
  // how many did not (the check below fails).
  if (undecided.length > 0) t.measure("live nodes that had not decided by the end of an instance", undecided.length, { atMost: 0, unit: "nodes" });
  else t.measure("time until every live node decided, per instance", Math.max(0, ...live.map((id) => (decisions.get(id) as Decision).at)), { atMost: inst.endAt, unit: "ms" });
  if (undecided.length > 0) {
    const down = ids.filter((id) => !sim.isUp(id));
    fail(
      undecided[0] as NodeId,
      `${undecided.join(", ")} had not decided by t=${inst.endAt}ms (inputs ${inst.inputs.join(",")}; crashed: ${down.join(", ") || "none"}). ` + whyStuck(inst, undecided, down, decisions, seen),
    );
  }
  return Math.max(...[...decisions.values()].map((d) => d.round));
}

interface Decision {
  value: Bit;
  round: number;
  at: number;
  /** How many messages the node had sent when it decided. */
  sentBefore: number;
}

/** Who sent and received messages when, in one instance (message contents are the learner's own). */
class Traffic {
  private readonly sends = new Map<NodeId, number[]>();
  private readonly receipts = new Map<NodeId, { from: NodeId; at: number }[]>();
  constructor(sim: Simulation) {
    sim.listen((e) => {
      if (e.type === "send") push(this.sends, e.from, e.t);
      else if (e.type === "deliver") push(this.receipts, e.to, { from: e.from, at: e.t });
    });
  }
  sent(node: NodeId): readonly number[] {
    return this.sends.get(node) ?? [];
  }
  received(node: NodeId): readonly { from: NodeId; at: number }[] {
    return this.receipts.get(node) ?? [];
  }
}

function push<V>(map: Map<NodeId, V[]>, key: NodeId, value: V): void {
  let list = map.get(key);
  if (list === undefined) map.set(key, (list = []));
  list.push(value);
}

/** Why live nodes never decided, from who sent what when: the deciders went silent, the others were left behind, or everyone waited. */
function whyStuck(inst: Instance, undecided: readonly NodeId[], down: readonly NodeId[], decisions: ReadonlyMap<NodeId, Decision>, seen: Traffic): string {
  const quorum = `n - f = ${inst.n - inst.f}`;
  const deciders = [...decisions.entries()];
  const silent = deciders.filter(([id, d]) => seen.sent(id).length === d.sentBefore).map(([id]) => id);
  if (silent.length > 0) {
    const [id, d] = deciders.find(([x]) => x === silent[0]) as [NodeId, Decision];
    return (
      `${silent.join(", ")} decided and then sent nothing more (${id} decided ${d.value} in round ${d.round} at t=${d.at}ms), so the others, waiting for ${quorum} messages of round ${d.round + 1}, were short. ` +
      `A node that decides v in round r must still send its round r + 1 report and proposal (both v) before it stops`
    );
  }
  const lastSend = (id: NodeId) => seen.sent(id).at(-1) ?? -1;
  if (deciders.length > 0) {
    const firstDecision = Math.min(...deciders.map(([, d]) => d.at));
    const who = deciders.map(([id, d]) => `${id} decided ${d.value} in round ${d.round}`).join(", ");
    const behind = undecided.filter((id) => lastSend(id) < firstDecision);
    if (behind.length > 0) {
      const id = behind[0] as NodeId;
      const after = seen.received(id).filter((r) => r.at > lastSend(id));
      return (
        `${who}, and sent their next round's messages; but ${behind.join(", ")} fell behind: ${id} sent its last message at t=${lastSend(id)}ms, before anyone decided, and never moved on, ` +
        `although it received ${after.length} messages from ${new Set(after.map((r) => r.from)).size} nodes after that. ` +
        `A node must keep messages of rounds (and phases) it has not reached yet until it gets there: faster nodes' messages arrive early, and they are not sent again`
      );
    }
    return (
      `${who}, and sent their next round's messages; ${undecided.join(", ")} went on past that round without deciding. ` +
      `After a decision of v in round r, every node's ${quorum} proposals of round r include a v, so it must adopt v (a coin is for a round with no proposal at all) and then decides in round r + 1. ` +
      `It did not: either it flipped a coin while holding a proposal of v, or proposals of both values met in one round. ` +
      `Propose v only when more than n/2 = ${inst.n / 2} of ALL nodes reported v (not most of the reports you received), so that no two nodes propose different values in one round`
    );
  }
  const quietSince = Math.max(...undecided.map(lastSend));
  const quiet = `The run went quiet at t=${quietSince}ms: no undecided node sent anything after that, each waiting for messages that never came`;
  // Nodes waiting for more messages than the live nodes send stall together, at the same point
  // (each has sent as many messages as the others); nodes that threw away messages of later rounds
  // stall at different points, the ones ahead waiting for the ones behind.
  const sent = undecided.map((id) => seen.sent(id).length);
  const [most, fewest] = [Math.max(...sent), Math.min(...sent)];
  if (most !== fewest) {
    const ahead = undecided[sent.indexOf(most)] as NodeId;
    const behind = undecided[sent.indexOf(fewest)] as NodeId;
    return (
      `${quiet}, out of step: ${ahead} had sent ${most} messages and ${behind} only ${fewest}, so ${behind} had received the messages ${ahead} sent for a later round or phase, and never used them. ` +
      `A node must keep messages of rounds (and phases) it has not reached yet until it gets there: faster nodes' messages arrive early, and they are not sent again`
    );
  }
  return (
    `${quiet}${down.length > 0 ? ` (with ${down.join(", ")} crashed, only ${inst.n - down.length} nodes speak)` : ""}, all at the same point (each had sent ${most} messages). ` +
    `A node must wait for ${quorum} messages per phase, never for all n: up to f nodes may be silent forever`
  );
}

export function randomInputs(rng: Random, n: number): Bit[] {
  return Array.from({ length: n }, () => (rng.next() < 0.5 ? 0 : 1) as Bit);
}

function distribution(rounds: number[]): string {
  const counts = new Map<number, number>();
  for (const r of rounds) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].sort((a, b) => a[0] - b[0]).map(([r, c]) => `${r} round${r === 1 ? "" : "s"}: ${c}`).join(", ");
}

/** Runs `count` instances; the last simulation's trace notes the distribution of rounds. */
export function manyInstances(impl: Lab4, t: TestContext, count: number, make: (rng: Random, k: number) => Instance): void {
  const rng = t.simulation().stream("instances");
  const rounds: number[] = [];
  for (let k = 1; k <= count; k++) {
    const inst = make(rng, k);
    try {
      rounds.push(runInstance(impl, t, inst, `instance ${k} of ${count} (n=${inst.n}, f=${inst.f})`));
    } catch (error) {
      if (error instanceof Error && rounds.length > 0) error.message += `\nRounds to decide in the instances before it: ${distribution(rounds)}`;
      throw error;
    }
  }
  const last = t.simulation();
  last.note(`Ben-Or: rounds until every live node decided, over ${count} instances: ${distribution(rounds)}`);
}

export const benOrTests: LabTest<Lab4>[] = [
  {
    id: "benor-unanimous",
    part: "C",
    name: "validity: when every input is the same bit, that bit is decided",
    points: 4,
    run(impl, t) {
      manyInstances(impl, t, 10, (rng) => {
        const v: Bit = rng.next() < 0.5 ? 0 : 1;
        return { n: 5, f: 2, inputs: [v, v, v, v, v], crashes: [], endAt: 60_000 };
      });
    },
  },
  {
    id: "benor-mixed-inputs",
    part: "C",
    name: "mixed inputs, no crashes: agreement, and every node decides (rounds reported)",
    points: 6,
    seeds: 10,
    run(impl, t) {
      manyInstances(impl, t, 20, (rng) => ({ n: 5, f: 2, inputs: randomInputs(rng, 5), crashes: [], endAt: 60_000 }));
    },
  },
  {
    id: "benor-crashes",
    part: "C",
    name: "f = 2 of 5 nodes crash at random moments: the others still agree and decide",
    points: 7,
    seeds: 10,
    run(impl, t) {
      manyInstances(impl, t, 20, (rng) => {
        const first = Math.floor(rng.next() * 5);
        const second = (first + 1 + Math.floor(rng.next() * 4)) % 5;
        return {
          n: 5,
          f: 2,
          inputs: randomInputs(rng, 5),
          crashes: [
            [first, Math.floor(rng.next() * 300)],
            [second, Math.floor(rng.next() * 300)],
          ],
          endAt: 60_000,
        };
      });
    },
  },
  {
    id: "benor-silent-nodes",
    part: "C",
    name: "f nodes never say anything (n = 7, f = 3): the others must not wait for them",
    points: 5,
    run(impl, t) {
      manyInstances(impl, t, 10, (rng) => ({
        n: 7,
        f: 3,
        inputs: randomInputs(rng, 7),
        crashes: [
          [4, -1],
          [5, -1],
          [6, -1],
        ],
        endAt: 60_000,
      }));
    },
  },
];
