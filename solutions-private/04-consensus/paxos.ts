/**
 * Reference solution, Lab 4 Parts A and B: single-decree Paxos with randomized backoff.
 *
 * Ballots are [round, proposer id]: rounds are compared first, ids break ties, so two proposers never
 * share a ballot. A proposer keeps its highest round in durable storage, so a restarted proposer never
 * reuses one.
 * Acceptor: promises ballots at least as high as any it promised, accepts in a ballot no lower than
 * its promise, and syncs both before it replies; a refusal (nack) tells the proposer what it promised.
 * Proposer: phase 1 (prepare/promise) with a majority, then proposes the value accepted in the
 * highest ballot among the promises (its own value only if none was accepted); phase 2
 * (accept/accepted). Preempted or timed out, it retries with a higher round after a random backoff
 * that grows with each failure, so duelling proposers stop colliding once the network behaves.
 * Learner: a value is chosen when a majority of distinct acceptors accepted it in the same ballot.
 */
import type { Json, NodeContext, NodeId, TimerId } from "../../grader/sim/api.js";
import type { PaxosApp, PaxosNode, PaxosRoles } from "../../grader/suites/04-consensus/interface.js";

export type Ballot = readonly [round: number, proposer: NodeId];
export interface Accepted {
  ballot: Ballot;
  value: Json;
}

export type PaxosMessage =
  | { type: "prepare"; ballot: Ballot }
  | { type: "promise"; ballot: Ballot; accepted: Accepted | null }
  | { type: "accept"; ballot: Ballot; value: Json }
  | { type: "accepted"; ballot: Ballot; value: Json }
  | { type: "nack"; ballot: Ballot; promised: Ballot };

/** How long a proposer waits for a phase to finish before it tries again. */
export const PHASE_TIMEOUT_MS = 100;
/** Backoff after the k-th failure in a row: uniform in [0, BACKOFF_MS * 2^min(k, MAX_DOUBLINGS)). */
export const BACKOFF_MS = 10;
export const MAX_DOUBLINGS = 6;

/** Negative if a < b, positive if a > b, 0 if equal. null is lower than every ballot. */
export function compareBallots(a: Ballot | null, b: Ballot | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (a[0] !== b[0]) return a[0] - b[0];
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

const key = (b: Ballot) => `${b[0]}:${b[1]}`;

export class Paxos implements PaxosNode {
  // acceptor (durable)
  protected promised: Ballot | null = null;
  protected accepted: Accepted | null = null;
  // proposer
  protected value: Json | undefined = undefined;
  protected round = 0;
  protected ballot: Ballot | null = null;
  protected phase: "idle" | "preparing" | "accepting" = "idle";
  protected promises = new Map<NodeId, Accepted | null>();
  protected failures = 0;
  protected timer: TimerId | null = null;
  // learner
  protected votes = new Map<string, Set<NodeId>>();
  protected decided: Json | undefined = undefined;

  protected readonly majority: number;

  constructor(
    protected readonly ctx: NodeContext,
    protected readonly roles: PaxosRoles,
    protected readonly app: PaxosApp,
  ) {
    this.majority = Math.floor(roles.acceptors.length / 2) + 1;
  }

  onStart(): void {
    this.promised = (this.ctx.storage.get("promised") as Ballot | undefined) ?? null;
    this.accepted = (this.ctx.storage.get("accepted") as Accepted | undefined) ?? null;
    this.round = (this.ctx.storage.get("round") as number | undefined) ?? 0;
  }

  propose(value: Json): void {
    if (this.decided !== undefined || this.value !== undefined) return;
    this.value = value;
    this.startRound();
  }

  onMessage(from: NodeId, msg: Json): void {
    const m = msg as PaxosMessage;
    switch (m.type) {
      case "prepare":
        return this.onPrepare(from, m.ballot);
      case "accept":
        return this.onAccept(from, m.ballot, m.value);
      case "promise":
        return this.onPromise(from, m.ballot, m.accepted);
      case "nack":
        return this.onNack(m.ballot, m.promised);
      case "accepted":
        return this.onAccepted(from, m.ballot, m.value);
    }
  }

  onTimer(): void {
    this.timer = null;
    if (this.decided === undefined) this.startRound();
  }

  // ---------------------------------------------------------------- acceptor

  protected onPrepare(from: NodeId, ballot: Ballot): void {
    if (compareBallots(ballot, this.promised) < 0) return this.send(from, { type: "nack", ballot, promised: this.promised as Ballot });
    this.promised = ballot;
    this.persist();
    this.send(from, { type: "promise", ballot, accepted: this.accepted });
  }

  protected onAccept(from: NodeId, ballot: Ballot, value: Json): void {
    if (!this.mayAccept(ballot)) return this.send(from, { type: "nack", ballot, promised: this.promised as Ballot });
    this.promised = ballot;
    this.accepted = { ballot, value };
    this.persist();
    this.app.accepted(ballot, value);
    const tell = new Set([...this.roles.learners, from]);
    for (const to of tell) this.send(to, { type: "accepted", ballot, value });
  }

  /** An acceptor may accept in any ballot at least as high as the one it promised. */
  protected mayAccept(ballot: Ballot): boolean {
    return compareBallots(ballot, this.promised) >= 0;
  }

  /** Makes the acceptor's state durable: it must survive a crash before any reply reveals it. */
  protected persist(): void {
    this.ctx.storage.set("promised", this.promised as Json);
    this.ctx.storage.set("accepted", this.accepted as Json);
    this.ctx.storage.sync();
  }

  // ---------------------------------------------------------------- proposer

  protected startRound(): void {
    if (this.value === undefined) return;
    this.round++;
    this.ctx.storage.set("round", this.round);
    this.ctx.storage.sync();
    this.ballot = this.makeBallot(this.round);
    this.phase = "preparing";
    this.promises = new Map();
    for (const a of this.roles.acceptors) this.send(a, { type: "prepare", ballot: this.ballot });
    this.retryAfter(PHASE_TIMEOUT_MS);
  }

  protected makeBallot(round: number): Ballot {
    return [round, this.ctx.id];
  }

  protected onPromise(from: NodeId, ballot: Ballot, accepted: Accepted | null): void {
    if (this.phase !== "preparing" || compareBallots(ballot, this.ballot) !== 0) return;
    this.countPromise(from, accepted);
    if (this.promiseCount() < this.majority) return;
    this.phase = "accepting";
    const value = this.chooseValue();
    for (const a of this.roles.acceptors) this.send(a, { type: "accept", ballot, value });
    this.retryAfter(PHASE_TIMEOUT_MS);
  }

  protected countPromise(from: NodeId, accepted: Accepted | null): void {
    this.promises.set(from, accepted);
  }

  protected promiseCount(): number {
    return this.promises.size;
  }

  /** The value accepted in the highest ballot among the promises; our own only if none was accepted. */
  protected chooseValue(): Json {
    let best: Accepted | null = null;
    for (const a of this.promises.values()) if (a !== null && compareBallots(a.ballot, best?.ballot ?? null) > 0) best = a;
    return best !== null ? best.value : (this.value as Json);
  }

  protected onNack(ballot: Ballot, promised: Ballot): void {
    if (this.phase === "idle" || compareBallots(ballot, this.ballot) !== 0) return;
    this.round = Math.max(this.round, promised[0]);
    this.phase = "idle";
    this.failures++;
    this.retryAfter(this.backoff());
  }

  /** Random, growing backoff: duelling proposers soon stop colliding. */
  protected backoff(): number {
    return Math.floor(this.ctx.random() * BACKOFF_MS * 2 ** Math.min(this.failures, MAX_DOUBLINGS));
  }

  protected retryAfter(ms: number): void {
    if (this.timer !== null) this.ctx.cancelTimer(this.timer);
    this.timer = this.ctx.setTimer(ms);
  }

  // ---------------------------------------------------------------- learner

  protected onAccepted(from: NodeId, ballot: Ballot, value: Json): void {
    const k = key(ballot);
    let voters = this.votes.get(k);
    if (voters === undefined) this.votes.set(k, (voters = new Set()));
    voters.add(from);
    if (voters.size >= this.majority) this.learn(value);
  }

  protected learn(value: Json): void {
    if (this.decided !== undefined) return;
    this.decided = value;
    this.phase = "idle";
    if (this.timer !== null) this.ctx.cancelTimer(this.timer);
    this.timer = null;
    if (this.roles.learners.includes(this.ctx.id)) this.app.decided(value);
  }

  protected send(to: NodeId, msg: PaxosMessage): void {
    this.ctx.send(to, msg as unknown as Json);
  }
}

export function createPaxosNode(ctx: NodeContext, roles: PaxosRoles, app: PaxosApp): PaxosNode {
  return new Paxos(ctx, roles, app);
}
