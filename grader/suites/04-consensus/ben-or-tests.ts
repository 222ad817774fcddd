/**
 * Part C: Ben-Or's randomized binary consensus with crash failures (f < n/2). Agreement and validity
 * are checked at every decision; termination at the end of each run. Each seed runs many instances
 * and reports how many rounds they took.
 */
import type { NodeContext, NodeId } from "../../sim/api.js";
import { Violation } from "../../sim/errors.js";
import type { LabTest, TestContext } from "../../runner/suite.js";
import type { Random } from "../../sim/random.js";
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

/** Runs one instance; returns the round in which the last live node decided. */
function runInstance(impl: Lab4, t: TestContext, inst: Instance, label: string): number {
  const sim = t.simulation({ network: { latency: { kind: "uniform", minMs: 1, maxMs: 50 } }, maxEvents: 400_000 });
  const decisions = new Map<NodeId, { value: Bit; round: number }>();
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
            if (d.value !== value) fail(id, `${id} decided ${value} in round ${round}, but ${other} decided ${d.value} in round ${d.round}: agreement is broken. Decide v only with at least f + 1 = ${inst.f + 1} proposals of v in a round, and propose v only when more than n/2 = ${inst.n / 2} of all nodes reported v`);
          }
          decisions.set(id, { value, round });
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
  if (undecided.length > 0) {
    const down = ids.filter((id) => !sim.isUp(id));
    fail(
      undecided[0] as NodeId,
      `${undecided.join(", ")} had not decided by t=${inst.endAt}ms (inputs ${inst.inputs.join(",")}; crashed: ${down.join(", ") || "none"}). ` +
        `A node must wait for n - f = ${inst.n - inst.f} messages per phase, never for all n: up to f nodes may be silent forever`,
    );
  }
  return Math.max(...[...decisions.values()].map((d) => d.round));
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
