/**
 * Lab 2's interface: what `labs/02-mapreduce/index.ts` (or any implementation graded as Lab 2) must
 * export, and the shared file system and applications the grader hands to it. The handout explains
 * the lab; this file is the precise contract.
 */
import type { NodeContext, NodeHandlers, NodeId } from "../../sim/api.js";

// ------------------------------------------------------------------ the shared file system

/** What a finished read or write hands to the worker's `onFsDone`. */
export type FsResult =
  /** Every path asked for, with its contents, or null if no such file existed when the read began. */
  | { op: "read"; files: Record<string, string | null> }
  | { op: "write"; paths: string[] };

/**
 * The cluster's shared file system (think GFS), as seen by one worker. Files are strings; names are
 * any strings you like, except that the job's inputs and its final outputs (`outputFile(r)`) are fixed.
 *
 * Reads and writes take virtual time in proportion to their size: `read` and `write` return at once,
 * and the result arrives later in your worker's `onFsDone`. A worker may have one read or write in
 * progress at a time; starting another before `onFsDone` throws. While a write is in progress each file
 * it writes holds only a prefix of its new contents, and if the worker crashes (or never resumes) it
 * stays that way. `rename` and `list` are instant and atomic.
 */
export interface SharedFs {
  /** Starts reading `paths`; `onFsDone({ op: "read", files })` follows. */
  read(paths: readonly string[]): void;
  /** Starts writing each file (creating or replacing it); `onFsDone({ op: "write", paths })` follows. */
  write(files: Readonly<Record<string, string>>): void;
  /** Atomically renames `from` to `to`, replacing `to` if it exists. Throws if `from` does not exist. */
  rename(from: string, to: string): void;
  /** The names of the files that start with `prefix`, sorted. */
  list(prefix: string): string[];
  /** True from `read` or `write` until the matching `onFsDone`. */
  busy(): boolean;
}

/** The final output file of reduce task `r` (0 <= r < nReduce). Lines "key value", one per key. */
export function outputFile(r: number): string {
  return `mr-out-${r}`;
}

// ------------------------------------------------------------------ applications

export interface KeyValue {
  key: string;
  value: string;
}

/**
 * A MapReduce application, supplied by the grader (word count, an inverted index, ...). Both
 * functions are deterministic. Keys never contain spaces or newlines; values never contain newlines.
 */
export interface MapReduceApp {
  readonly name: string;
  /** Turns one input file (its name and contents) into intermediate key/value pairs. */
  map(file: string, contents: string): KeyValue[];
  /** Combines every value emitted for `key`, across all map tasks, into that key's output value. */
  reduce(key: string, values: readonly string[]): string;
}

// ------------------------------------------------------------------ your nodes

/** The job the coordinator runs: one map task per input file, `nReduce` reduce tasks. */
export interface CoordinatorJob {
  /** Names of the input files (one map task each) in the shared file system. */
  readonly inputs: readonly string[];
  readonly nReduce: number;
  /** The worker nodes (they may crash, pause, restart, or be slow). */
  readonly workers: readonly NodeId[];
  /**
   * Call once, when every output file `outputFile(0..nReduce-1)` is final (committed by a completed
   * reduce task). From then on no output file may change.
   */
  done(): void;
}

/** What a worker needs besides its context. */
export interface WorkerJob {
  /** The coordinator's node id. */
  readonly coordinator: NodeId;
  /** Call when the coordinator says the job is done: the grader stops this worker. */
  exit(): void;
}

export interface WorkerNode extends NodeHandlers {
  /** A read or write you started has finished. */
  onFsDone(result: FsResult): void;
}

/** The coordinator never crashes in this lab's tests, and it has no file system access. */
export type CreateCoordinator = (ctx: NodeContext, job: CoordinatorJob) => NodeHandlers;
export type CreateWorker = (ctx: NodeContext, fs: SharedFs, app: MapReduceApp, job: WorkerJob) => WorkerNode;

export interface Lab2 {
  createCoordinator: CreateCoordinator;
  createWorker: CreateWorker;
}
