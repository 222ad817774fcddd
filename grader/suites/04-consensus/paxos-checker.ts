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
import type { Origin, PaxosObserver } from "./paxos-observer.js";

interface Ballot {
  value: string;
  acceptors: Set<NodeId>;
  /** When each acceptor accepted in this ballot. */
  times: Map<NodeId, number>;
  /** Whose accept request the first acceptance in this ballot answered, when the grader saw it. */
  origin: Origin | null;
}

export class PaxosChecker {
  private readonly proposed = new Set<string>();
  private readonly ballots = new Map<string, Ballot>();
  private chosen: { value: string; ballot: string; acceptors: NodeId[]; at: number } | null = null;
  private readonly decisions = new Map<NodeId, string>();
  /** When each learner first decided (virtual ms): deadlines are measured against it. */
  private readonly decidedAt = new Map<NodeId, number>();
  private readonly majority: number;
  /** What the grader saw of the messages, to say more about a violation (none in the explorer's searches). */
  observer: PaxosObserver | null = null;

  constructor(
    private readonly sim: Simulation,
    private readonly acceptorIds: readonly NodeId[],
  ) {
    this.majority = Math.floor(acceptorIds.length / 2) + 1;
  }

  /** The grader asks a proposer to propose `value`. */
  proposing(value: Json): void {
    this.proposed.add(JSON.stringify(value));
  }

  /** Values proposed so far (JSON text). */
  get proposedValues(): ReadonlySet<string> {
    return this.proposed;
  }

  /** The value chosen so far (JSON text), or null. */
  get chosenValue(): string | null {
    return this.chosen?.value ?? null;
  }

  /** The chosen value with its ballot (JSON text), the acceptors that made it chosen, and when. */
  get choice(): { value: string; ballot: string; acceptors: readonly NodeId[]; at: number } | null {
    return this.chosen;
  }

  /** Learners that have decided so far. */
  get learnersDecided(): ReadonlySet<NodeId> {
    return new Set(this.decisions.keys());
  }

  /** When each learner that has decided first did (virtual ms). */
  get decisionTimes(): ReadonlyMap<NodeId, number> {
    return this.decidedAt;
  }

  /** `origin`: the proposer whose accept request `acceptor` was handling, when the grader saw it. */
  accepted(acceptor: NodeId, ballot: Json, value: Json, origin: Origin | null = null): void {
    const v = JSON.stringify(value);
    const b = JSON.stringify(ballot);
    if (b === undefined || v === undefined) this.fail(acceptor, `${acceptor} reported app.accepted(${String(b)}, ${String(v)}): the ballot and the value must be JSON values`);
    if (!this.proposed.has(v)) {
      this.fail(acceptor, `${acceptor} accepted ${v} in ballot ${b}, but no proposer was asked to propose ${v} (proposed so far: ${[...this.proposed].join(", ")}): only a proposed value may be chosen`);
    }
    let entry = this.ballots.get(b);
    if (entry === undefined) this.ballots.set(b, (entry = { value: v, acceptors: new Set(), times: new Map(), origin }));
    if (entry.value !== v) this.fail(acceptor, `${acceptor} accepted ${v} in ballot ${b}, but ${[...entry.acceptors].join(", ")} accepted ${entry.value} in that same ballot: ${sharedBallot(entry.origin, origin)}`);
    entry.acceptors.add(acceptor);
    if (!entry.times.has(acceptor)) entry.times.set(acceptor, this.sim.now);
    if (entry.acceptors.size < this.majority || this.chosen?.ballot === b) return;
    if (this.chosen !== null && this.chosen.value !== v) {
      const first = this.chosen;
      this.fail(
        acceptor,
        `two different values were chosen: ${first.value} in ballot ${first.ballot} (accepted by ${first.acceptors.join(", ")} at t=${first.at}ms), and now ${v} in ballot ${b} (accepted by ${[...entry.acceptors].join(", ")}). ` +
            this.secondChoice(first, entry, origin),
      );
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
    if (!this.decidedAt.has(learner)) this.decidedAt.set(learner, this.sim.now);
  }

  /**
   * What the trace shows about how a second value came to be chosen, and the rule that forbids it.
   * `origin` is whose accept request made the second value chosen; without an observer (the
   * explorer's searches) only the rule is given.
   */
  private secondChoice(first: { value: string; ballot: string; acceptors: readonly NodeId[]; at: number }, second: Ballot, origin: Origin | null): string {
    const rule =
      `Once a value is chosen, every higher ballot must propose that same value: a proposer must adopt the value accepted in the highest ballot among its promises (from a majority of distinct acceptors), ` +
      `and an acceptor must keep its promise and acceptance across crashes`;
    const o = this.observer;
    if (o === null || origin === null) return rule;
    const { proposer: p, sentAt } = origin;
    const [x, y] = [first.value, second.value];
    if (sentAt < first.at) {
      return (
        `${p} sent its accept request for ${y} at t=${sentAt}ms, before ${x} was chosen, so it could not have known of ${x}. ` +
        `Unless ${p} counted one acceptor's promise twice, an acceptor (${first.acceptors.filter((a) => second.acceptors.has(a)).join(", ")} accepted in both ballots) accepted in a ballot lower than one it had already promised: ` +
        `an acceptor promises only a ballot at least as high as its promise (it never lowers it) and accepts only in a ballot at least as high as its promise`
      );
    }
    const told = o.deliveries.find((d) => d.to === p && d.at <= sentAt && d.carries === x && this.acceptorIds.includes(d.from) && d.from !== p);
    if (told !== undefined) {
      return (
        `${p} had been told of ${x} (by ${told.from}'s message at t=${told.at}ms) before it sent its accept request for ${y} at t=${sentAt}ms: ` +
        `a proposer must propose the value accepted in the highest ballot among the promises of a majority of distinct acceptors, its own value only if none reports one`
      );
    }
    const firstTimes = this.ballots.get(first.ballot)?.times ?? new Map<NodeId, number>();
    for (const a of first.acceptors.filter((n) => second.acceptors.has(n))) {
      const acceptedAt = firstTimes.get(a) ?? first.at;
      const restarts = o.restartTimes(a);
      const after = restarts.find((r) => r > acceptedAt && r < sentAt);
      const answer = after === undefined ? undefined : o.deliveries.find((d) => d.from === a && d.to === p && d.sentAt > after && d.at <= sentAt && d.carries !== x);
      if (after !== undefined && answer !== undefined) {
        return (
          `${a} accepted ${x} at t=${acceptedAt}ms, restarted at t=${after}ms, and then answered ${p} without reporting ${x} (its message sent at t=${answer.sentAt}ms): it forgot its acceptance in the crash. ` +
          `An acceptor must keep its promise and its acceptance across a crash: sync both before the reply that reveals them, and load both when the node starts`
        );
      }
      const before = restarts.find((r) => r < acceptedAt);
      const promise = before === undefined ? undefined : o.deliveries.find((d) => d.from === a && d.to === p && d.sentAt < before);
      if (before !== undefined && promise !== undefined) {
        return (
          `${a} answered ${p} at t=${promise.sentAt}ms, restarted at t=${before}ms, and then accepted ${x} at t=${acceptedAt}ms in another ballot: it forgot the promise it had made ${p} in the crash. ` +
          `An acceptor must keep its promise and its acceptance across a crash: sync both before the reply that reveals them, and load both when the node starts`
        );
      }
    }
    return rule;
  }

  private fail(node: NodeId, message: string): never {
    throw new Violation(message, { time: this.sim.now, node });
  }
}

/** Why one ballot carried two values, from whose accept requests the two acceptances answered. */
function sharedBallot(first: Origin | null, now: Origin | null): string {
  if (first !== null && now !== null && first.proposer === now.proposer && now.incarnation > first.incarnation) {
    return (
      `${now.proposer} used that ballot before it crashed and again, for another value, after its restart at t=${now.restartedAt}ms. ` +
      `A restarted proposer must never reuse a ballot: keep your highest round in storage, synced before you send with it, load it when the node starts, and use rounds above it`
    );
  }
  if (first !== null && now !== null && first.proposer !== now.proposer) {
    return `${first.proposer} and ${now.proposer} both proposed in that ballot. Ballots must be unique, e.g. [round, proposer id]`;
  }
  if (first !== null && now !== null) return `${now.proposer} proposed two values in one ballot. A proposer proposes one value per ballot (the one phase 1 told it to)`;
  return "two proposals used the same ballot. Ballots must be unique, e.g. [round, proposer id], and a restarted proposer must never reuse one";
}
