/**
 * The simulated shared file system: it lives in the simulation's world, not in a node. Each worker
 * instance gets its own handle (a restarted worker gets a new one), so the file system knows who is
 * calling and can drop a crashed worker's unfinished work: a write's data lands only when its
 * completion runs in the (still live) worker, and until then each file holds a prefix of it.
 *
 * Files are inodes: a path names an inode and `rename` moves it. Writing a path that exists truncates
 * and refills that inode (as opening it for writing would), and a write in progress fills its inode
 * wherever that inode is named by then (as an open file descriptor would).
 */
import type { NodeId } from "../../sim/api.js";
import type { Simulation } from "../../sim/simulation.js";
import type { FsResult, SharedFs, WorkerNode } from "./interface.js";

/** The cost model: every read or write takes `latencyMs` plus its size at `bytesPerMs` (times the node's speed). */
export const FS_COST = { latencyMs: 1, bytesPerMs: 50 } as const;

export interface Inode {
  contents: string;
  /** True from the start of a write until a write of this inode completes: only a prefix is there. */
  torn: boolean;
  /** Writes of this inode in progress (a crashed writer's write never completes). */
  writers: Set<FsOp>;
}

/** One finished or unfinished read or write, for checks (parallelism, commits). */
export interface FsOp {
  node: NodeId;
  op: "read" | "write";
  paths: string[];
  /** Bytes read or written. */
  bytes: number;
  start: number;
  /** When it finished (or, until then, when it is due to). */
  end: number;
  /** When it was due to finish: a paused worker's op finishes later than this. */
  due: number;
  done: boolean;
  /** A read only: the files it saw half-written, and whose write had torn them (null: unknown). */
  torn?: TornRead[];
}

/** A file a read saw while it held only a prefix of its contents. */
export interface TornRead {
  path: string;
  /** The write that was filling it (still in progress, or cut off by a crash), if known. */
  writer: FsOp | null;
}

export interface RenameRecord {
  node: NodeId;
  from: string;
  to: string;
  time: number;
}

export class SharedFileSystem {
  readonly files = new Map<string, Inode>();
  readonly ops: FsOp[] = [];
  readonly renames: RenameRecord[] = [];
  /** Slowness per node: a speed of 0.1 makes every read and write ten times slower. */
  private readonly speed = new Map<NodeId, number>();
  private readonly current = new Map<NodeId, Handle>();
  private readonly listeners: ((r: RenameRecord) => void)[] = [];
  private readonly opListeners: ((op: FsOp) => void)[] = [];

  constructor(private readonly sim: Simulation) {}

  /** Places a file directly (the job's inputs), final at once. */
  put(path: string, contents: string): void {
    this.files.set(path, { contents, torn: false, writers: new Set() });
  }

  /** Why `path` is not a complete, final file (null if it is). */
  notFinal(path: string): string | null {
    const inode = this.files.get(path);
    if (inode === undefined) return "it does not exist";
    for (const w of inode.writers) {
      if (this.liveOp(w)) return `${w.node} is still writing it (a write started at t=${w.start}ms), so it holds only a prefix of its contents`;
    }
    if (inode.torn) {
      const last = [...inode.writers].at(-1);
      return `it holds only a prefix of its contents: ${last ? `${last.node}'s write of it, started at t=${last.start}ms, never finished (the worker crashed)` : "a write of it never finished"}`;
    }
    return null;
  }

  setSpeed(node: NodeId, speed: number): void {
    this.speed.set(node, speed);
  }

  /** The cost in virtual ms of moving `bytes` on `node`. */
  cost(node: NodeId, bytes: number): number {
    return Math.ceil(FS_COST.latencyMs + bytes / FS_COST.bytesPerMs / (this.speed.get(node) ?? 1));
  }

  onRename(listener: (r: RenameRecord) => void): void {
    this.listeners.push(listener);
  }

  /** Calls `listener` as each read or write starts (tests use it to crash or pause a worker mid-task). */
  onOp(listener: (op: FsOp) => void): void {
    this.opListeners.push(listener);
  }

  /** @internal */
  started(op: FsOp): void {
    this.ops.push(op);
    for (const l of this.opListeners) l(op);
  }

  /** A handle for a freshly started worker instance; any older handle of that node goes dead. */
  handleFor(node: NodeId, worker: () => WorkerNode | null): SharedFs {
    const handle = new Handle(this, this.sim, node, worker);
    this.current.set(node, handle);
    return handle;
  }

  /** @internal: the op's worker instance is still live (up or paused), so the op may yet finish. */
  liveOp(op: FsOp): boolean {
    const handle = this.current.get(op.node);
    return handle !== undefined && handle.inFlightOp === op && this.sim.isUp(op.node);
  }

  /** @internal */
  isCurrent(handle: Handle): boolean {
    return this.current.get(handle.node) === handle && this.sim.isUp(handle.node);
  }

  /** @internal */
  renamed(record: RenameRecord): void {
    this.renames.push(record);
    for (const l of this.listeners) l(record);
  }
}

class Handle implements SharedFs {
  private inFlight: FsOp | null = null;

  get inFlightOp(): FsOp | null {
    return this.inFlight;
  }

  constructor(
    private readonly world: SharedFileSystem,
    private readonly sim: Simulation,
    readonly node: NodeId,
    private readonly worker: () => WorkerNode | null,
  ) {}

  read(paths: readonly string[]): void {
    this.begin("read");
    const files: Record<string, string | null> = {};
    const torn: TornRead[] = [];
    let bytes = 0;
    for (const p of checkPaths(paths, "read")) {
      const inode = this.world.files.get(p);
      // A read sees what is there when it starts (a partially written file reads as its prefix).
      files[p] = inode ? inode.contents : null;
      bytes += inode ? inode.contents.length : 0;
      if (inode?.torn) torn.push({ path: p, writer: [...inode.writers].at(-1) ?? null });
    }
    const op = this.schedule("read", Object.keys(files), bytes, () => ({ op: "read", files }));
    // Kept for failure messages: a reader that chokes on a half-written file is a symptom of that write.
    if (torn.length > 0) op.torn = torn;
  }

  write(files: Readonly<Record<string, string>>): void {
    this.begin("write");
    if (files === null || typeof files !== "object") throw new TypeError("fs.write takes an object mapping file names to contents");
    const paths = checkPaths(Object.keys(files), "write");
    let bytes = 0;
    for (const p of paths) {
      const data = files[p];
      if (typeof data !== "string") throw new TypeError(`fs.write: the contents of ${JSON.stringify(p)} must be a string`);
      bytes += data.length;
    }
    const op = this.schedule("write", paths, bytes, () => {
      for (const [inode, data] of inodes) {
        inode.contents = data;
        inode.torn = false;
        inode.writers.delete(op);
      }
      return { op: "write", paths };
    });
    const inodes: [Inode, string][] = paths.map((p) => {
      const data = files[p] as string;
      let inode = this.world.files.get(p);
      if (inode === undefined) {
        inode = { contents: "", torn: true, writers: new Set() };
        this.world.files.set(p, inode);
      }
      inode.contents = data.slice(0, Math.floor(data.length / 2));
      inode.torn = true;
      inode.writers.add(op);
      return [inode, data];
    });
  }

  rename(from: string, to: string): void {
    this.assertLive("rename");
    const inode = this.world.files.get(from);
    if (inode === undefined) {
      // The usual cause: another attempt wrote the same temporary name and has already renamed it away.
      const moved = this.world.renames.filter((r) => r.from === from).at(-1);
      const why =
        moved === undefined
          ? ""
          : moved.node === this.node
            ? `: this worker already renamed it to ${JSON.stringify(moved.to)} at t=${moved.time}ms (rename each temporary file once)`
            : `: ${moved.node} renamed ${JSON.stringify(from)} to ${JSON.stringify(moved.to)} at t=${moved.time}ms. ${moved.node} and this worker wrote the same temporary file; a temporary name must be unique per attempt (include the worker and the attempt)`;
      throw new Error(`fs.rename: no file named ${JSON.stringify(from)} (${this.node} at t=${this.sim.now}ms)${why}`);
    }
    if (typeof to !== "string" || to === "") throw new TypeError("fs.rename: the new name must be a non-empty string");
    if (from === to) return;
    this.world.files.delete(from);
    this.world.files.set(to, inode);
    this.world.renamed({ node: this.node, from, to, time: this.sim.now });
  }

  list(prefix: string): string[] {
    this.assertLive("list");
    return [...this.world.files.keys()].filter((p) => p.startsWith(prefix)).sort();
  }

  busy(): boolean {
    return this.inFlight !== null;
  }

  private begin(what: string): void {
    this.assertLive(what);
    const op = this.inFlight;
    if (op !== null) {
      throw new Error(
        `fs.${what} while this worker's ${op.op} of ${op.paths.length} file(s) started at t=${op.start}ms is still in progress ` +
          `(it finishes at t=${op.end}ms): wait for onFsDone before starting the next read or write`,
      );
    }
  }

  private assertLive(what: string): void {
    if (!this.world.isCurrent(this)) throw new Error(`fs.${what}: this file system handle belongs to an earlier incarnation of ${this.node}`);
  }

  private schedule(op: "read" | "write", paths: string[], bytes: number, finish: () => FsResult): FsOp {
    const start = this.sim.now;
    const due = start + this.world.cost(this.node, bytes);
    const record: FsOp = { node: this.node, op, paths, bytes, start, end: due, due, done: false };
    this.inFlight = record;
    this.world.started(record);
    // A call into the node: it waits while the node is paused and is skipped if the node is down.
    this.sim.callAt(record.end, this.node, `fs ${op} done (${paths.length} file(s), ${bytes} bytes)`, () => {
      if (!this.world.isCurrent(this)) return;
      record.end = this.sim.now;
      record.done = true;
      this.inFlight = null;
      const result = finish();
      const worker = this.worker();
      if (worker === null) return;
      if (typeof worker.onFsDone !== "function") throw new Error(`${this.node} started a ${op} but its worker has no onFsDone method`);
      worker.onFsDone(result);
    });
    return record;
  }
}

function checkPaths(paths: readonly string[], what: string): string[] {
  if (!Array.isArray(paths)) throw new TypeError(`fs.${what} takes an array of file names`);
  for (const p of paths) if (typeof p !== "string" || p === "") throw new TypeError(`fs.${what}: file names must be non-empty strings, got ${JSON.stringify(p)}`);
  return [...paths];
}
