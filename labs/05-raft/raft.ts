/**
 * Lab 5: Raft (5A election, 5B log replication, 5C persistence, 5D snapshots).
 *
 * The contract is in grader/suites/05-raft/interface.ts; the handout (README.md in this folder)
 * explains each part. Figure 2 of the extended Raft paper is the specification: follow it to the
 * letter, and Figure 13 for InstallSnapshot.
 *
 * How your node runs: the simulator calls `onStart` once per incarnation (after a crash and restart,
 * a fresh object is created and only what you synced to `ctx.storage` survives), `onMessage` for each
 * message, `onTimer` for each timer, and the grader's service calls `start`, `status` and `snapshot`.
 * Every handler runs to completion; use `ctx.setTimer` for timeouts, `ctx.random()` for randomness.
 *
 * A plan that works:
 * - State (Figure 2): persistent currentTerm, votedFor, log[]; volatile commitIndex, lastApplied,
 *   role; on leaders nextIndex[] and matchIndex[]. Once you add snapshots, the log starts after the
 *   snapshot's index, so keep that index (and its term) and translate indices everywhere.
 * - Timers: one election timer (randomized, e.g. 300-600 ms, reset when you grant a vote or hear from
 *   the current leader) and, on the leader, a heartbeat timer (about 100 ms).
 * - Messages: RequestVote, AppendEntries, InstallSnapshot and their replies, as JSON objects with a
 *   `type` field. Any message with a higher term than yours makes you a follower in that term first.
 *   Ignore replies whose term is not your current term.
 * - Persistence: write term, vote and log entries with `ctx.storage.set` as they change and call
 *   `ctx.storage.sync()` before you send anything. Storing each entry under its own key (e.g.
 *   "e17") keeps each write small.
 * - Messages are frozen: never change an array you sent; send `log.slice(...)`, and replace the log
 *   array rather than splicing it.
 */
import type { Json, NodeContext, NodeId } from "../../grader/sim/api.js";
import type { RaftNode, RaftService, Role, StartResult } from "../../grader/suites/05-raft/interface.js";

/**
 * One Raft peer. Keep all of its state in this object's properties.
 *
 * TODO: add the state from Figure 2 (and, for Part D, the snapshot's index, term and data).
 */
export class Raft implements RaftNode {
  constructor(
    protected readonly ctx: NodeContext,
    protected readonly service: RaftService,
  ) {}

  /** Called when the node starts, and on a fresh object after every restart. */
  onStart(): void {
    // TODO: restore term, vote, log (and snapshot) from ctx.storage; if there is a snapshot, hand it
    // to the service first (service.installSnapshot). Then start the election timer.
    throw new Error("not implemented: Raft.onStart in labs/05-raft/raft.ts");
  }

  /** A RequestVote, AppendEntries, InstallSnapshot or a reply to one. */
  onMessage(from: NodeId, msg: Json): void {
    // TODO: a higher term first makes you a follower in that term; then handle the message by type.
    throw new Error("not implemented: Raft.onMessage in labs/05-raft/raft.ts");
  }

  /** Your election timer or heartbeat timer fired. */
  onTimer(payload: Json): void {
    // TODO: election timeout -> become a candidate; heartbeat -> send AppendEntries to every peer.
    throw new Error("not implemented: Raft.onTimer in labs/05-raft/raft.ts");
  }

  /** The service asks to replicate `command`. */
  start(command: Json): StartResult {
    // TODO: not leader -> { index: -1, term, isLeader: false }. Leader -> append, persist and sync,
    // send AppendEntries, and return the new entry's index and your term.
    throw new Error("not implemented: Raft.start in labs/05-raft/raft.ts");
  }

  /** Called after every simulated event: cheap, and changes nothing. */
  status(): { term: number; role: Role } {
    throw new Error("not implemented: Raft.status in labs/05-raft/raft.ts");
  }

  /** Part D: the service's state through `index` (already applied) is `data`. */
  snapshot(index: number, data: Json): void {
    // TODO: keep (and persist) the snapshot, then discard the log up to and including `index`.
    throw new Error("not implemented: Raft.snapshot in labs/05-raft/raft.ts");
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Raft(ctx, service);
}
