/**
 * Lab 4 Parts A and B: single-decree Paxos.
 *
 * One class plays every role its node has (`roles` says which): proposer, acceptor, learner.
 *
 * Acceptor (state that must survive crashes: sync it before any reply reveals it)
 * - On prepare(b): if b is at least the highest ballot promised, promise b (remember it, sync) and
 *   reply with the value accepted so far and its ballot (or nothing); otherwise refuse (a "nack"
 *   that says what you promised, so the proposer can pick a higher ballot).
 * - On accept(b, v): if b is at least the promised ballot, accept (promised = b, accepted = (b, v),
 *   sync), call `app.accepted(b, v)`, and tell the learners (and the proposer); otherwise refuse.
 *
 * Proposer
 * - Ballots must be unique and ordered: e.g. [round, your id], compared by round, then by id. Keep
 *   your highest round in storage so a restarted proposer never reuses a ballot.
 * - Phase 1: send prepare(b) to every acceptor; wait for promises from a majority of distinct
 *   acceptors. Phase 2: propose the value accepted in the highest ballot among those promises (your
 *   own value only if none reports one), send accept(b, v) to every acceptor.
 * - If refused or timed out, retry with a higher ballot after a random, growing backoff (Part B).
 *   Stop once you learn the chosen value.
 *
 * Learner: a value is chosen when a majority of distinct acceptors accepted it in the same ballot;
 * then call `app.decided(value)` once.
 *
 * Messages are your design (JSON values, frozen on arrival). Keep all state in this object's fields.
 */
import type { Json, NodeContext, NodeId } from "../../grader/sim/api.js";
import type { PaxosApp, PaxosNode, PaxosRoles } from "../../grader/suites/04-consensus/interface.js";

export class Paxos implements PaxosNode {
  // TODO: acceptor state (promised ballot, accepted ballot and value), proposer state (value,
  // round, ballot, phase, promises from which acceptors, retry timer), learner state (acceptances
  // per ballot, the decided value).

  constructor(
    protected readonly ctx: NodeContext,
    protected readonly roles: PaxosRoles,
    protected readonly app: PaxosApp,
  ) {}

  /** Called when the node starts, and on a fresh object after every restart. */
  onStart(): void {
    // TODO: load the acceptor's promise and acceptance, and the proposer's round, from ctx.storage.
    throw new Error("not implemented: Paxos.onStart in labs/04-consensus/paxos.ts");
  }

  /** The grader asks this proposer to get `value` chosen. */
  propose(value: Json): void {
    void value;
    throw new Error("not implemented: Paxos.propose in labs/04-consensus/paxos.ts");
  }

  onMessage(from: NodeId, msg: Json): void {
    void from;
    void msg;
    throw new Error("not implemented: Paxos.onMessage in labs/04-consensus/paxos.ts");
  }

  onTimer(payload: Json): void {
    void payload;
    throw new Error("not implemented: Paxos.onTimer in labs/04-consensus/paxos.ts");
  }
}

export function createPaxosNode(ctx: NodeContext, roles: PaxosRoles, app: PaxosApp): PaxosNode {
  return new Paxos(ctx, roles, app);
}
