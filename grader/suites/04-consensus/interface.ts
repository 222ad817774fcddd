/**
 * Lab 4's interface: what `labs/04-consensus/index.ts` (or any implementation graded as Lab 4) must
 * export. The handout explains each part; this file is the precise contract.
 */
import type { Json, NodeContext, NodeHandlers, NodeId } from "../../sim/api.js";

// ------------------------------------------------------------------ Parts A and B: single-decree Paxos

/** Who plays which role. A node may play several; every list is the same on every node. */
export interface PaxosRoles {
  proposers: readonly NodeId[];
  acceptors: readonly NodeId[];
  learners: readonly NodeId[];
}

/** What the grader watches. It checks safety from these calls as the run goes. */
export interface PaxosApp {
  /**
   * Acceptor: "I have accepted `value` in `ballot`". Call it after the acceptance is synced to
   * storage and before telling anyone about it. `ballot` is your ballot as a JSON value (for example
   * `[round, "p1"]`); the grader only compares ballots for equality, to see when a majority of
   * acceptors accepted in the same ballot (then that value is chosen).
   */
  accepted(ballot: Json, value: Json): void;
  /** Learner: `value` is chosen. Call it once per node (again after a restart is fine, with the same value). */
  decided(value: Json): void;
}

export interface PaxosNode extends NodeHandlers {
  /** Called by the grader on a proposer: try to get `value` chosen (some value, maybe another proposer's). */
  propose(value: Json): void;
}

export type CreatePaxosNode = (ctx: NodeContext, roles: PaxosRoles, app: PaxosApp) => PaxosNode;

// ------------------------------------------------------------------ Part C: Ben-Or

export type Bit = 0 | 1;

/** What the grader watches in a Ben-Or run. */
export interface BenOrApp {
  /** This node decides `value` in round `round` (rounds count from 1). Call it once. */
  decided(value: Bit, round: number): void;
}

/** A Ben-Or node needs no calls from the grader: it starts with its input and runs until it decides. */
export type BenOrNode = NodeHandlers;

/**
 * Creates one of `ctx.peers.length + 1` Ben-Or nodes, with its input bit; at most `f` of them
 * (f < n/2) may crash, and crashed nodes never come back.
 */
export type CreateBenOrNode = (ctx: NodeContext, input: Bit, f: number, app: BenOrApp) => BenOrNode;

// ------------------------------------------------------------------ everything together

export interface Lab4 {
  createPaxosNode: CreatePaxosNode;
  createBenOrNode: CreateBenOrNode;
}
