/**
 * Checks Paxos safety as the run goes, from what acceptors and learners report through the app:
 * - validity: only a value some proposer proposed is accepted or decided;
 * - unique ballots: one ballot never carries two values;
 * - at most one value is chosen (accepted by a majority of acceptors in one ballot), ever;
 * - learners decide the chosen value, never anything else, and never change their minds.
 * Each check throws a `Violation` at the step that breaks it, naming the node and the virtual time.
 */
import type { Json, NodeId } from "../../sim/api.js";
import { Violation } from "../../sim/errors.js";
import type { Simulation } from "../../sim/simulation.js";

interface Ballot {
  value: string;
  acceptors: Set<NodeId>;
}

export class PaxosChecker {
  private readonly proposed = new Set<string>();
  private readonly ballots = new Map<string, Ballot>();
  private chosen: { value: string; ballot: string; acceptors: NodeId[]; at: number } | null = null;
  private readonly decisions = new Map<NodeId, string>();
  private readonly majority: number;

  constructor(
    private readonly sim: Simulation,
    acceptors: readonly NodeId[],
  ) {
    this.majority = Math.floor(acceptors.length / 2) + 1;
  }

  /** The grader asks a proposer to propose `value`. */
  proposing(value: Json): void {
    this.proposed.add(JSON.stringify(value));
  }

  /** The value chosen so far (JSON text), or null. */
  get chosenValue(): string | null {
    return this.chosen?.value ?? null;
  }

  /** Learners that have decided so far. */
  get learnersDecided(): ReadonlySet<NodeId> {
    return new Set(this.decisions.keys());
  }

  accepted(acceptor: NodeId, ballot: Json, value: Json): void {
    const v = JSON.stringify(value);
    const b = JSON.stringify(ballot);
    if (b === undefined || v === undefined) this.fail(acceptor, `${acceptor} reported app.accepted(${String(b)}, ${String(v)}): the ballot and the value must be JSON values`);
    if (!this.proposed.has(v)) {
      this.fail(acceptor, `${acceptor} accepted ${v} in ballot ${b}, but no proposer was asked to propose ${v} (proposed so far: ${[...this.proposed].join(", ")}): only a proposed value may be chosen`);
    }
    let entry = this.ballots.get(b);
    if (entry === undefined) this.ballots.set(b, (entry = { value: v, acceptors: new Set() }));
    if (entry.value !== v) {
      this.fail(acceptor, `${acceptor} accepted ${v} in ballot ${b}, but ${[...entry.acceptors].join(", ")} accepted ${entry.value} in that same ballot: two proposals used the same ballot. Ballots must be unique, e.g. [round, proposer id]`);
    }
    entry.acceptors.add(acceptor);
    if (entry.acceptors.size < this.majority || this.chosen?.ballot === b) return;
    if (this.chosen !== null && this.chosen.value !== v) {
      this.fail(acceptor, `two different values were chosen: ${this.chosen.value} in ballot ${this.chosen.ballot} (accepted by ${this.chosen.acceptors.join(", ")} at t=${this.chosen.at}ms), and now ${v} in ballot ${b} (accepted by ${[...entry.acceptors].join(", ")}). Once a value is chosen, every higher ballot must propose that same value: a proposer must adopt the value accepted in the highest ballot among its promises, and an acceptor must keep its promise and acceptance across crashes`);
    }
    if (this.chosen === null) this.chosen = { value: v, ballot: b, acceptors: [...entry.acceptors], at: this.sim.now };
  }

  decided(learner: NodeId, value: Json): void {
    const v = JSON.stringify(value);
    const earlier = this.decisions.get(learner);
    if (earlier !== undefined && earlier !== v) this.fail(learner, `${learner} decided ${v} after deciding ${earlier}: a learner never changes its mind`);
    if (this.chosen === null) {
      this.fail(learner, `${learner} decided ${v}, but no majority of acceptors has accepted ${v} in one ballot (from their app.accepted reports): a learner must count acceptances from distinct acceptors in the same ballot`);
    }
    if (this.chosen.value !== v) {
      this.fail(learner, `${learner} decided ${v}, but the chosen value is ${this.chosen.value} (ballot ${this.chosen.ballot}): learners must never disagree`);
    }
    this.decisions.set(learner, v);
  }

  private fail(node: NodeId, message: string): never {
    throw new Violation(message, { time: this.sim.now, node });
  }
}
