/**
 * Builds a Paxos cluster for a test: nodes with their roles, the checker wired to the app callbacks,
 * and proposals as calls the test schedules (so the explorer also chooses when they happen).
 */
import type { Json, NodeContext, NodeId } from "../../sim/api.js";
import type { NetworkConditions } from "../../sim/network.js";
import { SimulationError } from "../../sim/errors.js";
import { Simulation, type Chooser } from "../../sim/simulation.js";
import type { TestContext } from "../../runner/suite.js";
import { PaxosChecker } from "./paxos-checker.js";
import { PaxosObserver } from "./paxos-observer.js";
import type { Lab4, PaxosNode, PaxosRoles } from "./interface.js";

export interface PaxosWorld {
  sim: Simulation;
  checker: PaxosChecker;
  roles: PaxosRoles;
  /** What the grader saw of the messages, to explain failures (null in the explorer's untraced worlds). */
  observer: PaxosObserver | null;
  /** Asks `node` to propose `value` at `at` (and records it as proposed). */
  propose(node: NodeId, value: Json, at: number): void;
}

export interface PaxosSetup {
  roles: PaxosRoles;
  network?: Partial<NetworkConditions>;
  chooser?: Chooser;
  /** The value each proposer proposes, again after each of its restarts (as a client would retry). */
  reproposeOnRestart?: ReadonlyMap<NodeId, Json>;
  /**
   * Watch the messages (who sent what to whom, which handler accepted), so that a failure can say
   * what the trace shows. It costs time, so a run watches only when it is run again to explain a
   * failure (see `explained`), or when the explorer replays a counterexample.
   */
  observe?: boolean;
  /**
   * A world the explorer runs while searching (thousands of them): not traced, so a `--trace` run
   * costs no more than any other. The schedule it reports is replayed in a traced world.
   */
  untraced?: boolean;
}

export function paxosWorld(impl: Lab4, t: TestContext, setup: PaxosSetup): PaxosWorld {
  const { roles } = setup;
  const options = {
    ...(setup.network ? { network: setup.network } : {}),
    ...(setup.chooser ? { chooser: setup.chooser } : {}),
    maxEvents: 400_000,
  };
  const sim = setup.untraced ? new Simulation({ ...options, seed: t.seed }) : t.simulation(options);
  const checker = new PaxosChecker(sim, roles.acceptors);
  const observer = setup.observe === true ? new PaxosObserver(sim, roles, () => checker.proposedValues) : null;
  checker.observer = observer;
  const world: PaxosWorld = {
    sim,
    checker,
    roles,
    observer,
    propose(node, value, at) {
      sim.callAt(at, node, `propose(${JSON.stringify(value)})`, (n: PaxosNode) => {
        checker.proposing(value);
        n.propose(value);
      });
    },
  };
  const ids = [...new Set([...roles.proposers, ...roles.acceptors, ...roles.learners])];
  for (const id of ids) {
    let started = false;
    sim.addNode(id, (ctx: NodeContext) => {
      const app = {
        accepted(ballot: Json, value: Json) {
          if (!roles.acceptors.includes(id)) t.fail(`${id} called app.accepted, but it is not an acceptor (acceptors: ${roles.acceptors.join(", ")})`, { node: id });
          checker.accepted(id, ballot, value, observer?.acceptedNow() ?? null);
        },
        decided(value: Json) {
          if (!roles.learners.includes(id)) t.fail(`${id} called app.decided, but it is not a learner (learners: ${roles.learners.join(", ")})`, { node: id });
          checker.decided(id, value);
        },
      };
      const again = setup.reproposeOnRestart?.get(id);
      if (started && again !== undefined) world.propose(id, again, sim.now);
      started = true;
      return impl.createPaxosNode(ctx, roles, app);
    });
  }
  return world;
}

/**
 * Runs a scenario without watching its messages; if it fails, runs it again (the same run: it is a
 * function of the seed) watching them, so the failure explains itself from what the trace shows.
 */
export function explained(scenario: (observe: boolean) => void): void {
  try {
    scenario(false);
  } catch (error) {
    if (!(error instanceof SimulationError)) throw error;
    scenario(true);
    throw error; // only if the second run, unexpectedly, did not fail
  }
}
