/**
 * Part B: the merge laws on random states (crdt-laws.ts), then replicas in a simulation that gossip
 * state through partitions, loss, duplication and reordering, and must read the same once it heals.
 */
import type { Json, NodeId } from "../../sim/api.js";
import { Violation } from "../../sim/errors.js";
import { faultSchedule } from "../../sim/fault-generators.js";
import type { FaultSchedule } from "../../sim/faults.js";
import type { NetworkConditions } from "../../sim/network.js";
import type { Random } from "../../sim/random.js";
import type { Simulation } from "../../sim/simulation.js";
import type { HandoutStatement, LabTest, TestContext } from "../../runner/suite.js";
import { quietAfter, scheduleAdversity } from "../shared/adversity.js";
import { checkCrdtLaws, gCounterSpec, lwwSpec, orSetSpec, pnCounterSpec } from "./crdt-laws.js";
import type { CrdtNode, CrdtReadout, CrdtUpdate, Lab3 } from "./interface.js";
import { nodeNames } from "./topology.js";

const NODES = nodeNames(5);
const ELEMENTS = ["a", "b", "c", "d", "e", "f"];
/** How long after healing replicas have to agree. */
export const CONVERGE_MS = 4000;

interface Workload {
  network: Partial<NetworkConditions>;
  faults: FaultSchedule;
  spreadMs: number;
  settleAt: number;
}

/** What the grader knows of the updates it made, to say what converged replicas must read. */
export class Expectation {
  counter = 0;
  balance = 0;
  register: { value: Json; time: number; node: NodeId } | null = null;
  /** Every register write, by its value (each write's value is unique). */
  readonly writes = new Map<string, { time: number; node: NodeId }>();
  /** Per element: was its latest operation (in virtual time) an add? */
  readonly lastWasAdd = new Map<string, boolean>();

  record(op: CrdtUpdate, node: NodeId, now: number): void {
    switch (op.type) {
      case "increment":
        this.counter += op.by;
        break;
      case "add":
        this.balance += op.by;
        break;
      case "set-add":
        this.lastWasAdd.set(op.element, true);
        break;
      case "set-remove":
        if (this.lastWasAdd.has(op.element)) this.lastWasAdd.set(op.element, false);
        break;
      case "register":
        this.writes.set(JSON.stringify(op.value), { time: now, node });
        if (this.register === null || now > this.register.time || (now === this.register.time && node > this.register.node)) {
          this.register = { value: op.value, time: now, node };
        }
        break;
    }
  }
}

export function describe(op: CrdtUpdate): string {
  switch (op.type) {
    case "increment":
      return `increment the G-Counter by ${op.by}`;
    case "add":
      return `add ${op.by} to the PN-Counter`;
    case "set-add":
      return `add "${op.element}" to the OR-Set`;
    case "set-remove":
      return `remove "${op.element}" from the OR-Set`;
    case "register":
      return `write ${JSON.stringify(op.value)} to the register`;
  }
}

/**
 * Schedules random updates (counters, OR-Set of `gap.elements`, register) at random replicas, one every
 * `gap.minMs` to `gap.minMs + gap.spreadMs` ms from t=10ms until `untilMs`, each recorded in `expect`.
 * Returns the workload's random stream and the scheduler, for a test's later updates.
 */
export function randomUpdates(
  sim: Simulation,
  replicas: readonly NodeId[],
  expect: Expectation,
  untilMs: number,
  gap: { minMs: number; spreadMs: number; elements?: readonly string[] },
): { rng: Random; update: (time: number, node: NodeId, op: CrdtUpdate) => void } {
  const rng = sim.stream("workload");
  const update = (time: number, node: NodeId, op: CrdtUpdate) =>
    sim.callAt(time, node, `application: ${describe(op)}`, (n: CrdtNode) => {
      n.update(op);
      expect.record(op, node, sim.now);
    });
  for (let time = 10; time < untilMs; time += gap.minMs + rng.int(gap.spreadMs)) {
    const node = rng.pick(replicas);
    const r = rng.next();
    const element = rng.pick(gap.elements ?? ELEMENTS);
    const op: CrdtUpdate =
      r < 0.2
        ? { type: "increment", by: 1 + rng.int(3) }
        : r < 0.4
          ? { type: "add", by: rng.chance(0.5) ? 1 + rng.int(5) : -1 - rng.int(5) }
          : r < 0.65
            ? { type: "set-add", element }
            : r < 0.85
              ? { type: "set-remove", element }
              : { type: "register", value: `${node}@${time}` };
    update(time, node, op);
  }
  return { rng, update };
}

function runReplicas(impl: Lab3, t: TestContext, w: Workload): Simulation {
  const sim = t.simulation({ network: w.network });
  for (const id of NODES) sim.addNode(id, (ctx) => impl.createCrdtNode(ctx));
  const expect = new Expectation();
  const { rng, update } = randomUpdates(sim, NODES, expect, w.spreadMs, { minMs: 20, spreadMs: 60 });
  scheduleAdversity(sim, { faults: w.faults, settleAt: w.settleAt });

  const converged = w.settleAt + CONVERGE_MS;
  sim.at(converged, "check: replicas converged", () => {
    const first = checkConverged(sim, `${CONVERGE_MS}ms after the network healed at t=${w.settleAt}ms`);
    checkAgainstUpdates(sim, first, expect);
    // With the network reliable and replicas agreeing, remove one element, then add it back elsewhere.
    const chosen = first.set.length > 0 ? (first.set[rng.int(first.set.length)] as string) : "a";
    const [remover, adder] = [rng.pick(NODES), rng.pick(NODES)];
    update(sim.now + 10, remover, { type: "set-remove", element: chosen });
    const other = ELEMENTS.find((e) => e !== chosen && first.set.includes(e));
    if (other !== undefined) update(sim.now + 10, remover, { type: "set-remove", element: other });
    update(sim.now + 500, adder, { type: "set-add", element: chosen });
    sim.at(sim.now + 500 + CONVERGE_MS, "check: a remove and a re-add took effect", () => {
      const after = checkConverged(sim, `${CONVERGE_MS}ms after ${remover} removed "${chosen}"${other ? ` and "${other}"` : ""} and ${adder} added "${chosen}" back`);
      if (!after.set.includes(chosen)) {
        throw new Violation(
          `${remover} removed "${chosen}" at t=${converged + 10}ms and ${adder} added it again at t=${converged + 500}ms, but at t=${sim.now}ms the OR-Set lacks "${chosen}": a remove must only cancel the adds it has seen, not later ones (a plain tombstone is not an OR-Set)`,
          { time: sim.now },
        );
      }
      if (other !== undefined && after.set.includes(other)) {
        throw new Violation(`${remover} removed "${other}" at t=${converged + 10}ms when every replica agreed, but at t=${sim.now}ms the OR-Set still contains "${other}"`, { time: sim.now });
      }
    });
  });
  sim.start();
  sim.run(converged + 600 + CONVERGE_MS);
  return sim;
}

/**
 * Checks what the converged replicas read against every update made: the counters sum them all, the
 * last register write wins, and the OR-Set holds exactly the elements whose last operation was an add.
 */
export function checkAgainstUpdates(sim: Simulation, read: CrdtReadout, expect: Expectation, elements: readonly string[] = ELEMENTS): void {
  const want = { counter: expect.counter, balance: expect.balance, register: expect.register?.value ?? null };
  for (const key of ["counter", "balance", "register"] as const) {
    if (JSON.stringify(read[key]) !== JSON.stringify(want[key])) {
      const what = { counter: "the G-Counter", balance: "the PN-Counter", register: "the register" }[key];
      const shown = key === "register" ? expect.writes.get(JSON.stringify(read.register)) : undefined;
      const why =
        key !== "register"
          ? "the sum of every update made anywhere: none may be lost or counted twice"
          : shown !== undefined
            ? `that value was written by ${shown.node} at t=${shown.time}ms, but the last write, by ${expect.register?.node} at t=${expect.register?.time}ms, must win: timestamp each write with ctx.now() when it is made (ties go to the larger node id)`
            : `the last write, by ${expect.register?.node} at t=${expect.register?.time}ms, must win`;
      throw new Violation(`every node reads ${JSON.stringify(read[key])} from ${what} at t=${sim.now}ms, but it should be ${JSON.stringify(want[key])}: ${why}`, { time: sim.now });
    }
  }
  for (const e of elements) {
    const present = read.set.includes(e);
    const lastAdd = expect.lastWasAdd.get(e);
    if (lastAdd === undefined && present) throw new Violation(`every node's OR-Set contains "${e}" at t=${sim.now}ms, but nobody ever added it`, { time: sim.now });
    if (lastAdd === true && !present) {
      throw new Violation(
        `the OR-Set lacks "${e}" at t=${sim.now}ms, although the last operation on "${e}" anywhere was an add, which no earlier remove can have seen: add wins, so "${e}" must be present`,
        { time: sim.now },
      );
    }
  }
}

/**
 * What every running replica reads, which must be the same everywhere; otherwise a violation that
 * says `why` they should agree by now, and `advice`.
 */
export function checkConverged(
  sim: Simulation,
  why: string,
  replicas: readonly NodeId[] = NODES,
  advice = "replicas must keep gossiping state until they converge",
): CrdtReadout {
  let first: { node: NodeId; read: CrdtReadout } | null = null;
  for (const id of replicas) {
    const node = sim.handlersOf<CrdtNode>(id);
    if (node === null) continue;
    const read = node.read();
    if (first === null) first = { node: id, read };
    else if (JSON.stringify(read) !== JSON.stringify(first.read)) {
      throw new Violation(
        `${id} reads ${JSON.stringify(read)} but ${first.node} reads ${JSON.stringify(first.read)} at t=${sim.now}ms, ${why}: ${advice}`,
        { time: sim.now, node: id },
      );
    }
  }
  return (first as { read: CrdtReadout }).read;
}

/** Where the handout states what a Part B test enforces. */
const PART_B = (...states: string[]): HandoutStatement => ({ section: "Part B: state-based CRDTs (30 points)", states });

export const crdtTests: LabTest<Lab3>[] = [
  {
    id: "crdt-gcounter-laws",
    part: "B",
    name: "G-Counter: merge is commutative, associative and idempotent, and never loses an increment",
    points: 4,
    handout: PART_B("merge must be idempotent", "rebuild a replica from its own `state()`", "plain JSON", "a snapshot already returned never changes"),
    run: (impl, t) => checkCrdtLaws(impl, t, gCounterSpec),
  },
  {
    id: "crdt-pncounter-laws",
    part: "B",
    name: "PN-Counter: the merge laws, and no increment or decrement lost",
    points: 4,
    handout: PART_B("merge must be idempotent", "rebuild a replica from its own `state()`", "`value()` may be negative"),
    run: (impl, t) => checkCrdtLaws(impl, t, pnCounterSpec),
  },
  {
    id: "crdt-orset-laws",
    part: "B",
    name: "OR-Set: the merge laws, and add wins over a concurrent remove",
    points: 5,
    handout: PART_B("a remove cancels the adds of `e` that the replica has seen, and no others", "must get a tag it has never used"),
    run: (impl, t) => checkCrdtLaws(impl, t, orSetSpec),
  },
  {
    id: "crdt-lww-laws",
    part: "B",
    name: "LWW register: the merge laws, and the largest (timestamp, replica) wins",
    points: 4,
    handout: PART_B("breaking ties by replica id (the larger id, by string comparison, wins)"),
    run: (impl, t) => checkCrdtLaws(impl, t, lwwSpec),
  },
  {
    id: "crdt-converge-partitions",
    part: "B",
    name: "replicas updated on both sides of partitions, with loss and duplication, converge once it heals",
    points: 7,
    handout: PART_B("within 4 s after the network heals", "10% each in scripted tests", "1–50 ms in `crdt-converge-partitions`", "removes an element at one node and adds it back at another"),
    run(impl, t) {
      runReplicas(impl, t, {
        network: { loss: 0.1, duplicate: 0.1, latency: { kind: "uniform", minMs: 1, maxMs: 50 } },
        faults: [
          { at: 200, type: "partition", groups: [["n1", "n2"]] },
          { at: 3000, type: "heal" },
          { at: 3500, type: "partition", groups: [["n1", "n3"], ["n2", "n4"]] },
          { at: 6000, type: "heal" },
        ],
        spreadMs: 6000,
        settleAt: 6000,
      });
    },
  },
  {
    id: "crdt-random-faults",
    part: "B",
    name: "random fault schedules (partitions, one-way cuts, loss, duplication, reordering): replicas converge",
    points: 6,
    handout: PART_B("within 4 s after the network heals", "spells of up to 60% loss and 30% duplication in random schedules", "1–40 ms in `crdt-random-faults`"),
    seeds: 10,
    run(impl, t) {
      const faults = faultSchedule({ nodes: NODES, horizonMs: 4000, maxEpisodes: 5, kinds: ["partition", "one-way", "bad-network"] });
      t.withGeneratedFaults(faults, (schedule) => {
        runReplicas(impl, t, { network: { latency: { kind: "uniform", minMs: 1, maxMs: 40 } }, faults: schedule, spreadMs: 4000, settleAt: quietAfter(schedule, 4000) });
      });
    },
  },
];
