/**
 * Parts A and B: single-decree Paxos. The schedule explorer checks safety on every interleaving of a
 * small cluster up to a depth; scripted schedules aim at the classic mistakes; random fault schedules
 * cover larger clusters; liveness is checked once the network stabilizes.
 */
import type { Json, NodeId } from "../../sim/api.js";
import { faultSchedule } from "../../sim/fault-generators.js";
import type { FaultSchedule } from "../../sim/faults.js";
import type { Adversary, Chooser, SimulationOptions } from "../../sim/simulation.js";
import { afterPrefix, explore, findCycle, pumpLoop, type ExplorerFaults } from "../../explore/explorer.js";
import { formatSchedule, noteSearch, searchFigures, violationError } from "../../explore/report.js";
import type { HandoutStatement, LabTest, TestContext } from "../../runner/suite.js";
import { quietAfter, scheduleAdversity } from "../shared/adversity.js";
import type { Lab4, PaxosRoles } from "./interface.js";
import { whyUndecided } from "./paxos-diagnosis.js";
import { explained, paxosWorld, type PaxosWorld } from "./paxos-world.js";

/** The explorer's cluster: 2 proposers (also the learners) and 3 acceptors. */
export const SMALL: PaxosRoles = { proposers: ["p1", "p2"], acceptors: ["a1", "a2", "a3"], learners: ["p1", "p2"] };
/** For scripted schedules: only one proposer learns, so the other runs Paxos without knowing the outcome. */
const P1_LEARNS: PaxosRoles = { ...SMALL, learners: ["p1"] };
const P2_LEARNS: PaxosRoles = { ...SMALL, learners: ["p2"] };
const THREE_PROPOSERS: PaxosRoles = { proposers: ["p1", "p2", "p3"], acceptors: ["a1", "a2", "a3"], learners: ["p1"] };
const FIVE = ["n1", "n2", "n3", "n4", "n5"];

interface ExplorerScenario {
  roles: PaxosRoles;
  proposals: [NodeId, Json, number][];
  /** Faults of the scripted prefix. */
  faults?: FaultSchedule;
  /** Everything due before this time runs in the ordinary order; the explorer searches from there. */
  prefixMs: number;
  search: { maxDepth: number; faults: ExplorerFaults; maxStates: number };
}

/** The explorer's world: the small cluster, the proposals, the prefix. */
function smallWorld(impl: Lab4, t: TestContext, s: Omit<ExplorerScenario, "search">, search: { on: boolean }, onWorld: (w: PaxosWorld) => void = () => {}) {
  return (chooser: Chooser) => {
    const w = paxosWorld(impl, t, { roles: s.roles, chooser: afterPrefix(s.prefixMs, chooser), untraced: search.on, observe: !search.on });
    onWorld(w);
    for (const [node, value, at] of s.proposals) w.propose(node, value, at);
    if (s.faults) w.sim.scheduleFaults(s.faults);
    w.sim.start();
    return w.sim;
  };
}

function explorerTest(id: string, name: string, points: number, scenario: ExplorerScenario): LabTest<Lab4> {
  const { search } = scenario;
  return {
    id,
    part: "A",
    name,
    points,
    seeds: 1,
    run(impl, t) {
      const searching = { on: true };
      const setUp = smallWorld(impl, t, scenario, searching);
      const result = explore({ setUp, strategy: "bfs", ...search });
      searching.on = false; // from here on, worlds are traced: the counterexample, or one ordinary run
      if (result.violation !== undefined) throw violationError(setUp, result, search.maxDepth);
      // Without a violation, the search is incomplete exactly when its states reach the budget: it
      // passes with at most maxStates - 1 of them.
      t.measure("distinct states the explorer searched", result.states, { atMost: search.maxStates - 1, unit: "states" });
      if (!result.complete) {
        t.fail(
          `the schedule explorer stopped after ${searchFigures(result, search.maxDepth)}: its budget of ${search.maxStates.toLocaleString("en-US")} states ran out before it covered every schedule of ${search.maxDepth} steps, so safety is not established. ` +
            `Keep node state small and canonical (no counters, timestamps or timer ids that differ between otherwise equal states) so equal states are recognised as one`,
        );
      }
      noteSearch(setUp, `explorer: no violation in any schedule of up to ${search.maxDepth} steps (${searchFigures(result, search.maxDepth)}); below, one ordinary schedule`);
    },
  };
}

/**
 * The deadline `runUntilDecided` holds a run to, as a report shows it: the `figure` is how long after
 * `from` (virtual ms: the heal, GST, the request) the last of the nodes decided.
 */
export interface Deadline {
  figure: string;
  from: number;
}

/** Runs a cluster to `endAt` and requires the listed nodes to have decided by then. */
export function runUntilDecided(w: PaxosWorld, t: TestContext, nodes: readonly NodeId[], endAt: number, since: string, deadline: Deadline): void {
  w.sim.run(endAt);
  const missing = nodes.filter((n) => w.sim.isUp(n) && !w.checker.learnersDecided.has(n));
  measureDeadline(w, t, nodes, missing, endAt, deadline);
  if (missing.length > 0) t.fail(`${missing.join(", ")} had not decided by t=${endAt}ms, ${since}. ${whyUndecided(w, missing, endAt)}`, { node: missing[0] as NodeId });
}

/**
 * Records how long after `deadline.from` the last of the live `nodes` decided (0 if all had decided
 * before it), against the time the check allows. When some never decided that time does not exist:
 * the figure is then how many had not decided, which the check holds to zero. Crashed nodes are not
 * waited for, as in the check.
 */
function measureDeadline(w: PaxosWorld, t: TestContext, nodes: readonly NodeId[], missing: readonly NodeId[], endAt: number, deadline: Deadline): void {
  if (missing.length > 0) {
    t.measure("nodes that had not decided by the deadline", missing.length, { atMost: 0, unit: "nodes" });
    return;
  }
  const times = nodes.filter((n) => w.sim.isUp(n)).map((n) => w.checker.decisionTimes.get(n) as number);
  t.measure(deadline.figure, Math.max(deadline.from, ...times) - deadline.from, { atMost: endAt - deadline.from, unit: "ms" });
}

interface Scripted {
  roles: PaxosRoles;
  proposals: [NodeId, Json, number][];
  faults: FaultSchedule;
  adversary?: Adversary;
  settleAt: number;
  endAt: number;
}

export function scriptedTest(id: string, name: string, points: number, s: Scripted, handout?: HandoutStatement): LabTest<Lab4> {
  return {
    id,
    part: "A",
    name,
    points,
    seeds: 3,
    ...(handout ? { handout } : {}),
    run(impl, t) {
      explained((observe) => {
        const w = paxosWorld(impl, t, { roles: s.roles, network: { latency: { kind: "constant", ms: 5 } }, observe });
        for (const [node, value, at] of s.proposals) w.propose(node, value, at);
        scheduleAdversity(w.sim, { faults: s.faults, adversary: s.adversary, settleAt: s.settleAt });
        w.sim.start();
        runUntilDecided(w, t, s.roles.learners, s.endAt, `${s.endAt - s.settleAt}ms after the network healed at t=${s.settleAt}ms`, {
          figure: "time for every learner to decide after the network healed",
          from: s.settleAt,
        });
      });
    },
  };
}

/** Depth of the explorer's searches, in steps (deliveries, timers, faults). */
export const EXPLORE_DEPTH = 6;

const block = (at: number, from: NodeId, to: NodeId) => ({ at, type: "block" as const, from, to });
const heal = (at: number) => ({ at, type: "heal" as const });

export const paxosTests: LabTest<Lab4>[] = [
  explorerTest("paxos-explore", `explorer: p1 and p2 propose at once; every schedule of ${EXPLORE_DEPTH} steps is safe`, 5, {
    roles: SMALL,
    proposals: [
      ["p1", "x", 0],
      ["p2", "y", 0],
    ],
    prefixMs: 0,
    search: { maxDepth: EXPLORE_DEPTH, faults: { timers: 0 }, maxStates: 6_000 },
  }),
  explorerTest(
    "paxos-explore-preempted",
    `explorer: p2 prepares just after p1, while p1's accepts are on their way; every schedule of ${EXPLORE_DEPTH} steps is safe`,
    5,
    {
      roles: SMALL,
      proposals: [
        ["p1", "x", 0],
        ["p2", "y", 6],
      ],
      prefixMs: 12,
      search: { maxDepth: EXPLORE_DEPTH, faults: { timers: 0 }, maxStates: 6_000 },
    },
  ),
  explorerTest(
    "paxos-explore-after-choice",
    `explorer: "x" is chosen on a1 and a2, then a2 crashes and restarts, then p2 proposes "y": with a message lost or duplicated, every schedule of ${EXPLORE_DEPTH} steps is safe`,
    6,
    {
      // p2 is not a learner here: it has not heard that "x" was chosen, and proposes anyway.
      roles: { ...SMALL, learners: ["p1"] },
      proposals: [
        ["p1", "x", 0],
        ["p2", "y", 30],
      ],
      faults: [block(0, "p1", "a3"), { at: 25, type: "crash", node: "a2" }, { at: 27, type: "restart", node: "a2" }, heal(30)],
      prefixMs: 30,
      search: { maxDepth: EXPLORE_DEPTH, faults: { timers: 0, drops: 1, duplicates: 1 }, maxStates: 6_000 },
    },
  ),
  explorerTest(
    "paxos-explore-highest-ballot",
    `explorer: "x" is accepted on a1 alone in p1's ballot, "y" is chosen on a2 and a3 in p2's higher ballot, then p3 proposes "z": in every order of its promises, every schedule of ${EXPLORE_DEPTH} steps is safe`,
    5,
    {
      // As in paxos-highest-ballot: p1's accept reaches only a1; p2 (which never reaches a1) gets "y"
      // chosen on a2 and a3. p3's promises then report two different accepted values.
      roles: THREE_PROPOSERS,
      proposals: [
        ["p1", "x", 0],
        ["p2", "y", 20],
        ["p3", "z", 50],
      ],
      faults: [block(0, "p1", "a3"), block(7, "p1", "a2"), heal(19), block(19, "p2", "a1"), heal(49)],
      prefixMs: 50,
      search: { maxDepth: EXPLORE_DEPTH, faults: { timers: 0 }, maxStates: 6_000 },
    },
  ),
  scriptedTest("paxos-value-already-chosen", "a value is chosen, then another proposer runs: it must propose the chosen value", 5, {
    roles: P1_LEARNS,
    proposals: [
      ["p1", "x", 0],
      ["p2", "y", 30],
    ],
    faults: [block(0, "p1", "a3"), heal(29), block(29, "p2", "a1")],
    settleAt: 500,
    endAt: 4000,
  }),
  scriptedTest("paxos-highest-ballot", "promises report different accepted values: the one from the highest ballot wins", 5, {
    roles: THREE_PROPOSERS,
    proposals: [
      ["p1", "x", 0],
      ["p2", "y", 20],
      ["p3", "z", 50],
    ],
    // p1's accept reaches only a1; p2 gets "y" chosen on a2 and a3; p3 hears a1 first, then a2.
    faults: [block(0, "p1", "a3"), block(7, "p1", "a2"), heal(19), block(19, "p2", "a1"), block(19, "p1", "a1"), heal(49), block(49, "a3", "p3"), block(49, "p1", "a1"), block(49, "p2", "a1")],
    settleAt: 500,
    endAt: 4000,
  }),
  scriptedTest("paxos-acceptor-restart", "acceptors crash and restart after accepting: a lower ballot must not undo their acceptance", 5, {
    roles: P2_LEARNS,
    proposals: [
      ["p2", "y", 0],
      ["p1", "x", 30],
    ],
    faults: [block(0, "p2", "a3"), { at: 20, type: "crash", node: "a1" }, { at: 20, type: "crash", node: "a2" }, { at: 25, type: "restart", node: "a1" }, { at: 25, type: "restart", node: "a2" }, heal(29), block(29, "p2", "a1"), block(29, "p2", "a2"), block(29, "p2", "a3")],
    settleAt: 500,
    endAt: 4000,
  }),
  scriptedTest("paxos-duplicate-promise", "a duplicated promise must not count twice towards a majority", 4, {
    roles: P2_LEARNS,
    proposals: [
      ["p2", "y", 0],
      ["p1", "x", 40],
    ],
    faults: [block(0, "p2", "a1"), heal(39), block(39, "a2", "p1"), block(39, "a3", "p1"), block(39, "p2", "a1")],
    adversary: (m) => (m.from === "a1" && m.to === "p1" ? { delaysMs: [5, 6] } : undefined),
    settleAt: 1500,
    endAt: 5000,
  }),
  scriptedTest("paxos-preempted-accept", "an accept for a ballot lower than the acceptor's promise is refused", 3, {
    roles: SMALL,
    proposals: [
      ["p1", "x", 0],
      ["p2", "y", 6],
    ],
    faults: [],
    settleAt: 0,
    endAt: 4000,
  }),
  // p1's accept request reaches a1 alone; p1 crashes, restarts, is cut off from a1 and is asked
  // for another value. Reusing its old ballot would put "z" on a2 and a3 in the ballot a1 holds "x" in.
  scriptedTest("paxos-proposer-restart", "a proposer crashes after its accept requests went out, restarts and proposes another value: it must use a new, higher ballot", 4, {
    roles: P1_LEARNS,
    proposals: [
      ["p1", "x", 0],
      ["p1", "z", 19],
    ],
    faults: [block(7, "p1", "a2"), block(7, "p1", "a3"), { at: 16, type: "crash", node: "p1" }, heal(17), block(17, "p1", "a1"), { at: 18, type: "restart", node: "p1" }],
    settleAt: 500,
    endAt: 4000,
  }),
  // p2's prepare is promised everywhere; p1's lower prepare arrives after it, and p2's accept
  // requests are slow. An acceptor that lets the late, lower prepare replace its promise accepts
  // p1's "x" and then p2's "y": two values chosen.
  scriptedTest("paxos-late-lower-prepare", "a prepare with a lower ballot arrives after a higher promise: it must not lower the promise", 3, {
    roles: SMALL,
    proposals: [
      ["p2", "y", 0],
      ["p1", "x", 6],
    ],
    faults: [],
    adversary: (m) => (m.from === "p2" && JSON.stringify(m.msg)?.includes('"y"') ? { delaysMs: [30] } : undefined),
    settleAt: 500,
    endAt: 4000,
  }),
  // "x" is accepted by a1 in p1's ballot and by a2 in p2's (p2 adopted it from a1's promise), but
  // never by a majority in one ballot; a1's reports to p1 are duplicated. A learner that counts
  // messages, or acceptors per value across ballots, decides a value that is not chosen.
  scriptedTest("paxos-learner-one-ballot", "a value accepted by two acceptors in different ballots, with duplicated reports, is not yet chosen: learners count distinct acceptors in one ballot", 3, {
    roles: P1_LEARNS,
    proposals: [
      ["p1", "x", 0],
      ["p2", "y", 20],
    ],
    faults: [block(7, "p1", "a2"), block(7, "p1", "a3"), block(19, "p2", "a3"), block(27, "p2", "a1"), heal(49)],
    adversary: (m) => (m.from === "a1" && m.to === "p1" ? { delaysMs: [5, 6] } : undefined),
    settleAt: 500,
    endAt: 4000,
  }),
  scriptedTest("paxos-simultaneous", "two proposers start at the same instant: ballots must differ", 3, {
    roles: SMALL,
    proposals: [
      ["p1", "x", 0],
      ["p2", "y", 0],
    ],
    faults: [],
    settleAt: 0,
    endAt: 4000,
  }),
  {
    id: "paxos-random-faults",
    part: "A",
    name: "5 nodes, all roles: random loss, duplication, reordering, partitions and crash-restarts",
    points: 7,
    seeds: 10,
    handout: { section: "Part A's faults, latencies and deadlines", states: ["random fault schedules use 1-40 ms", "up to 60% of messages are lost and 30% duplicated", "within 6 s in the random ones"] },
    run(impl, t) {
      const faults = faultSchedule({ nodes: FIVE, crashable: FIVE, horizonMs: 3000, maxEpisodes: 6, kinds: ["partition", "one-way", "bad-network", "pause", "crash-restart"] });
      t.withGeneratedFaults(faults, (schedule) =>
        randomFaultsRun(impl, t, schedule, { nodes: FIVE, network: { loss: 0.1, duplicate: 0.1, latency: { kind: "uniform", minMs: 1, maxMs: 40 } }, startsWithinMs: 1000, quietMs: 3000 }),
      );
    },
  },
];

/**
 * A random-fault Paxos run where every node plays every role and proposes its own value: proposals
 * start at random times, the generated `schedule` is played, and every node must decide within 6 s
 * of the network healing with every node up (also used by the instructor-only tests).
 */
export function randomFaultsRun(
  impl: Lab4,
  t: TestContext,
  schedule: FaultSchedule,
  options: { nodes: NodeId[]; network: NonNullable<SimulationOptions["network"]>; startsWithinMs: number; quietMs: number },
): void {
  const { nodes } = options;
  explained((observe) => {
    const values = new Map(nodes.map((n) => [n, `v-${n}`] as const));
    const w = paxosWorld(impl, t, { roles: { proposers: nodes, acceptors: nodes, learners: nodes }, network: options.network, reproposeOnRestart: values, observe });
    const starts = w.sim.stream("proposals");
    for (const n of nodes) w.propose(n, values.get(n) as string, Math.floor(starts.next() * options.startsWithinMs));
    const settleAt = quietAfter(schedule, options.quietMs);
    scheduleAdversity(w.sim, { faults: schedule, settleAt });
    w.sim.start();
    runUntilDecided(w, t, nodes, settleAt + 6000, `6000ms after the network healed and every node was up at t=${settleAt}ms`, {
      figure: "time for every node to decide after the network healed and every node was up",
      from: settleAt,
    });
  });
}

/** After GST, a value must be chosen within this long. */
export const GST_BOUND_MS = 3000;

/** In paxos-catch-up-ballot, how long a proposer that starts behind has to decide. */
export const CATCH_UP_MS = 2000;

export const livenessTests: LabTest<Lab4>[] = [
  {
    id: "paxos-duel-after-gst",
    part: "B",
    name: `duelling proposers: every proposer decides within ${GST_BOUND_MS}ms after the network stabilizes`,
    points: 7,
    seeds: 10,
    handout: { section: "Part B's networks", states: ["every message takes 5 or 25 ms, as an adversary picks", "every proposer decides within 3000 ms of GST"] },
    run(impl, t) {
      explained((observe) => {
        const gst = 2000;
        const PROPOSERS = ["n1", "n2", "n3"];
        const w = paxosWorld(impl, t, { roles: { proposers: PROPOSERS, acceptors: FIVE, learners: FIVE }, observe });
        const starts = w.sim.stream("proposals");
        for (const n of PROPOSERS) w.propose(n, `v-${n}`, Math.floor(starts.next() * 20));
        // Before GST every node is cut off from every other, so the proposers pile up retries. From GST
        // on, no message is lost and each takes 5 or 25 ms: bounded, but an adversary picks which. On
        // each link from a proposer, messages are alternately fast and slow (prepare fast, accept slow,
        // as a rule), so a new prepare overtakes the other proposer's accepts, round after round.
        w.sim.partition(FIVE.map((n) => [n]));
        w.sim.at(gst, "GST: the network heals; every message now takes 5 or 25 ms", () => {
          w.sim.heal();
          w.sim.setNetwork({ loss: 0, duplicate: 0, latency: { kind: "constant", ms: 5 } });
          w.sim.intercept((m) => (PROPOSERS.includes(m.from) ? { delaysMs: [m.linkIndex % 2 === 1 ? 5 : 25] } : undefined));
        });
        w.sim.start();
        runUntilDecided(
          w,
          t,
          PROPOSERS,
          gst + GST_BOUND_MS,
          `${GST_BOUND_MS}ms after the network stabilized at t=${gst}ms (GST). Proposers that retry at fixed times keep pre-empting each other; wait a random, growing backoff before retrying`,
          { figure: "time for every proposer to decide after GST", from: gst },
        );
      });
    },
  },
  {
    id: "paxos-flp-livelock",
    part: "B",
    name: "explorer: FLP in your code: a schedule where the proposers duel forever (and agreement still holds)",
    points: 5,
    seeds: 1,
    run(impl, t) {
      // Progress is "some value is chosen", as seen by the checker of the world being run.
      let world: PaxosWorld | null = null;
      const searching = { on: true };
      const setUp = smallWorld(impl, t, { roles: SMALL, proposals: [["p1", "x", 0], ["p2", "y", 0]], prefixMs: 0 }, searching, (w) => (world = w));
      const progress = () => (world as PaxosWorld | null)?.checker.chosenValue != null;
      const maxDepth = 300;
      const maxStates = 500;
      const result = findCycle({ setUp, progress, maxDepth, maxStates, maxTransitions: 3000, pumps: 3, compareNodes: false });
      const cycle = result.cycle;
      // The search stops once its states reach the budget: a livelock is found with at most maxStates - 1.
      t.measure("distinct states the explorer searched to find the livelock", result.states, { atMost: maxStates - 1, unit: "states" });
      if (cycle === undefined) {
        return t.fail(
          `the explorer found no schedule in which the proposers keep pre-empting each other without a value being chosen (searched ${result.states} states, ${result.transitions} schedules, to depth ${result.depth}). ` +
            `FLP says one exists for any Paxos: a proposer whose ballot is pre-empted (or whose phase times out) must retry with a higher ballot, forever if need be`,
        );
      }
      const { prefix, loop } = cycle;
      searching.on = false;
      const sim = pumpLoop(setUp, cycle, 4, progress, false);
      if (sim === null) return t.fail("the livelock the explorer found did not repeat when replayed: keep all node state in the objects the factory returns, and use only ctx.random()");
      sim.note(
        `explorer: after the ${prefix.length} steps of the prefix, this loop of ${loop.length} steps returns to the same state with higher ballots, and no value is ever chosen (found after ${result.states} states). The loop:\n${formatSchedule(loop, prefix.length + 1)}`,
      );
    },
  },
  {
    id: "paxos-catch-up-ballot",
    part: "B",
    name: `a proposer starts after another one pushed the promises to a high ballot and left: it decides within ${CATCH_UP_MS}ms`,
    points: 3,
    seeds: 3,
    handout: { section: "Part B's networks", states: ["pushed the acceptors' promises up for 2 s", `decides within ${CATCH_UP_MS} ms`] },
    run(impl, t) {
      explained((observe) => {
        const start = 2000;
        const w = paxosWorld(impl, t, { roles: { proposers: ["p1", "p2"], acceptors: ["a1", "a2", "a3"], learners: ["p1"] }, observe });
        // Until p2 crashes for good, every message of p2's that carries its value is lost: it keeps
        // timing out and retrying, and the acceptors' promises climb with its ballots.
        w.propose("p2", "y", 0);
        w.sim.intercept((m) => (m.from === "p2" && (JSON.stringify(m.msg) ?? "").includes('"y"') ? { drop: true } : undefined));
        w.sim.scheduleFaults([{ at: start, type: "crash", node: "p2" }]);
        w.sim.at(start, "p2 is gone for good; from now on the network is reliable", () => w.sim.intercept(null));
        w.propose("p1", "x", start);
        w.sim.start();
        runUntilDecided(
          w,
          t,
          ["p1"],
          start + CATCH_UP_MS,
          `${CATCH_UP_MS}ms after it was asked to propose at t=${start}ms, when the acceptors had been promising p2's ever higher ballots for 2 s`,
          { figure: "time for p1 to decide after it was asked to propose", from: start },
        );
      });
    },
  },
];
