/**
 * Lab 5's interface: what `labs/05-raft/index.ts` (or any implementation graded as Lab 5) must
 * export. The handout explains each part; this file is the precise contract.
 *
 * The service above Raft (the grader's tester in this lab; your own key-value store in Unit 6) and
 * the Raft node talk through two small interfaces:
 *
 *   service --start(command)-----------> Raft      "please replicate this"
 *   service --snapshot(index, data)----> Raft      "my state through `index` is `data`; compact"
 *   service <--apply(entry)------------- Raft      committed entries, in log order
 *   service <--installSnapshot(snapshot) Raft      "replace your state with this snapshot"
 *
 * Ordering contract (per incarnation of a node): the service sees a sequence of `installSnapshot` and
 * `apply` calls whose indices go up by exactly one from call to call (a snapshot at index s jumps the
 * service to s; the next `apply` must be s + 1), never repeating and never going back. After a
 * restart the sequence begins again: Raft first hands the service its persisted snapshot, if it has
 * one (from `onStart`), then applies committed entries after it.
 */
import type { Json, NodeContext, NodeHandlers } from "../../sim/api.js";

/** One committed log entry, as delivered to the service. */
export interface LogEntry {
  index: number;
  term: number;
  command: Json;
}

/** A snapshot: the service's state `data` after applying every entry up to and including `index`. */
export interface Snapshot {
  index: number;
  /** The term of the entry at `index`. */
  term: number;
  data: Json;
}

/** The service above a Raft node: the grader plays this part. */
export interface RaftService {
  /** Hands the service the next committed entry (index = previous index + 1). */
  apply(entry: LogEntry): void;
  /** Replaces the service's state with a snapshot (index > the last index it was handed). */
  installSnapshot(snapshot: Snapshot): void;
}

export type Role = "follower" | "candidate" | "leader";

/** What `start` answers. `index` and `term` are meaningful only when `isLeader` is true. */
export interface StartResult {
  index: number;
  term: number;
  isLeader: boolean;
}

export interface RaftNode extends NodeHandlers {
  /**
   * Called by the service: if this node believes it is the leader, append `command` to its log and
   * begin replicating it, returning the index it will have if it is ever committed, the current
   * term, and `isLeader: true`. Otherwise return at once with `isLeader: false`. Never waits for
   * commitment: the service learns of it through `apply`. Commitment is not guaranteed (a leader can
   * lose its leadership before the entry is replicated).
   */
  start(command: Json): StartResult;
  /**
   * This node's current term and role. The grader calls it after every simulated event to check
   * election safety, so it must be cheap and must not change anything.
   */
  status(): { term: number; role: Role };
  /**
   * Called by the service, possibly from inside `apply`: its state through `index` (an index it has
   * already been handed) is `data`. Raft keeps this snapshot (durably) and may discard its log up to
   * and including `index`; it sends the snapshot to followers that need entries it has discarded.
   */
  snapshot(index: number, data: Json): void;
}

export type CreateRaftNode = (ctx: NodeContext, service: RaftService) => RaftNode;

export interface Lab5 {
  createRaftNode: CreateRaftNode;
}
