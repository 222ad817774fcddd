/**
 * A pool of worker processes that run seeds of one lab's tests against one implementation.
 *
 * Learner code is untrusted: it may loop forever, exhaust memory, or crash. Each seed gets a wall-clock
 * deadline; a worker that misses it is killed, and a worker that dies fails only the seed it was
 * running. Either way a fresh worker takes over the remaining seeds, so a bad submission costs tests,
 * never the grading run.
 *
 * Workers are child processes, not worker threads: a thread's heap limit is best effort (a loop that
 * pushes onto one array can abort the whole process, nodejs/node#47224) and `terminate()` did not stop
 * such a loop, while a process can always be killed and its out-of-memory abort stays its own.
 *
 * Lab code inside a worker runs confined (confinement.ts): the worker receives it as a bundle and never
 * reads the implementation's folder. Batch grading (grader/instructor/) also starts workers under
 * Node's permission model (see `sandboxWorkers`), a second wall: a worker may read only the grader and
 * its packages, write nothing, and start no processes. A container (Gradescope runs every submission
 * in one) still protects the host from what neither wall covers, such as exhausting the machine.
 */
import { fork, type ChildProcess } from "node:child_process";
import { realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { LabBundle } from "./bundle.js";
import type { PackedInstructorSuite } from "./instructor-tests.js";
import type { SeedResult } from "./run-seed.js";
import type { BundleMessage, ExitMessage, InstructorTestsMessage, TaskMessage, WorkerInit, WorkerReply } from "./worker.js";

export interface PoolOptions {
  /** Folder name of the lab, e.g. "01-fallacies". */
  lab: string;
  /** The implementation, bundled (bundle.ts): workers never read its folder. */
  bundle: LabBundle;
  /** How the implementation is named in messages, e.g. "labs/01-fallacies". */
  implementationLabel: string;
  /** How its entry file is named in messages, e.g. "labs/01-fallacies/index.ts". */
  entryLabel: string;
  /** Most workers at once. */
  size: number;
  /** Wall-clock time one seed (or loading the implementation) may take. */
  deadlineMs: number;
  /** Heap limit of each worker, in MB. */
  memoryMb: number;
  /**
   * Where workers' own output goes (stdout is kept for the report and `--json`). Lab code's console
   * goes to the trace; with `echoConsole` it is printed here too.
   */
  labOutput: NodeJS.WritableStream;
  /** Print lab code's console lines to `labOutput` as well (a learner's own run, never batch grading). */
  echoConsole?: boolean;
  /** The lab's instructor-only tests, sent to each worker as it starts. */
  instructorTests?: PackedInstructorSuite;
}

export interface Task {
  testId: string;
  seed: number;
  trace: boolean;
}

export type PoolStart = { pool: WorkerPool } | { loadError: string };

interface Queued {
  task: Task;
  finish: (result: SeedResult) => void;
}

interface Running extends Queued {
  taskId: number;
  deadline: NodeJS.Timeout;
}

interface Slot {
  child: ChildProcess;
  ready: boolean;
  dead: boolean;
  running: Running | null;
  loadDeadline: NodeJS.Timeout;
  /** Set once V8 reports the heap is exhausted: the process is about to abort. */
  outOfMemory: boolean;
  /** Seeds this worker has run; each leaves a copy of the implementation's modules behind. */
  completed: number;
}

/** A worker retires after this many seeds, bounding the memory that per-seed module copies hold. */
const SEEDS_PER_WORKER = 500;
/** How long a retiring worker may take to flush its output and exit before it is killed. */
const RETIRE_GRACE_MS = 2000;

const WORKER_FILE = fileURLToPath(new URL("./worker.ts", import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;

let sandboxed = false;

/**
 * From now on, start workers under Node's permission model as well (reads limited to the grader and
 * its packages, no writes, no child processes or worker threads), or stop doing so. Lab code is
 * confined either way; this is a second wall around the worker. Process-wide, so a batch-grading child
 * sets it once before calling gradeLab.
 */
export function sandboxWorkers(on: boolean): void {
  sandboxed = on;
}

const REPO = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Under the permission model tsx cannot run (esbuild transforms in a worker thread that starts a
 * child process), so a guarded worker uses Node's own TypeScript support instead. Its one gap for
 * this repo: imports name "./x.js" for "./x.ts". This resolve hook, passed as a data: URL so no file
 * outside the allowed set is needed, tries the .ts file when the .js one does not exist.
 */
const TS_RESOLVE_HOOK = `data:text/javascript,${encodeURIComponent(`
import { registerHooks } from "node:module";
registerHooks({
  resolve(specifier, context, next) {
    try {
      return next(specifier, context);
    } catch (error) {
      if (error?.code !== "ERR_MODULE_NOT_FOUND" || !/^(\\.|\\/|file:).*\\.js$/.test(specifier)) throw error;
      return next(specifier.slice(0, -3) + ".ts", context);
    }
  },
});`)}`;

function workerFlags(memoryMb: number): string[] {
  const memory = `--max-old-space-size=${memoryMb}`;
  if (!sandboxed) return ["--import", TSX_LOADER, memory];
  const allowed = [join(REPO, "grader"), join(REPO, "node_modules"), join(REPO, "package.json")];
  // Modules load from their real paths, so a symlinked node_modules (or grader) is allowed at both.
  const readable = [...new Set(allowed.flatMap((path) => [path, realpathSync(path)]))];
  return [
    "--permission",
    ...readable.map((path) => `--allow-fs-read=${path}`),
    "--experimental-transform-types",
    "--disable-warning=ExperimentalWarning",
    "--import",
    TS_RESOLVE_HOOK,
    memory,
  ];
}

export class WorkerPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Queued[] = [];
  private nextTaskId = 1;
  private closed = false;
  /** Settles once the first worker has loaded the implementation, or failed to. */
  private reportLoad: ((loadError: string | null) => void) | null = null;

  private constructor(private readonly options: PoolOptions) {}

  /**
   * Starts the workers. If the implementation cannot be loaded (syntax error, missing export, a loop
   * at the top level), says why instead of returning a pool.
   */
  static async start(options: PoolOptions): Promise<PoolStart> {
    const pool = new WorkerPool(options);
    const loaded = new Promise<string | null>((resolve) => (pool.reportLoad = resolve));
    for (let i = 0; i < options.size; i++) pool.spawn();
    const loadError = await loaded;
    if (loadError === null) return { pool };
    await pool.close();
    return { loadError };
  }

  /** Most seeds that run at once. */
  get size(): number {
    return this.options.size;
  }

  /** Runs one seed on the next free worker. Never rejects: every way a seed can end is a result. */
  run(task: Task): Promise<SeedResult> {
    return new Promise((finish) => {
      this.queue.push({ task, finish });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.slots].map((slot) => (slot.ready && slot.running === null ? this.retire(slot) : this.kill(slot))));
  }

  private pump(): void {
    if (this.closed) return;
    for (const slot of this.slots) {
      if (slot.ready && slot.running === null && this.queue.length > 0) this.assign(slot, this.queue.shift() as Queued);
    }
    // Replace workers that died or were killed, as long as there is work for them.
    let starting = [...this.slots].filter((s) => !s.ready).length;
    while (this.slots.size < this.options.size && starting < this.queue.length) {
      this.spawn();
      starting++;
    }
  }

  private assign(slot: Slot, queued: Queued): void {
    const taskId = this.nextTaskId++;
    const deadline = setTimeout(() => {
      this.fail(slot, `did not finish within ${seconds(this.options.deadlineMs)} of wall-clock time: an infinite loop or a very slow handler? (virtual time is not the problem: the simulation does not wait)`);
    }, this.options.deadlineMs);
    slot.running = { ...queued, taskId, deadline };
    const message: TaskMessage = { taskId, ...queued.task };
    slot.child.send(message);
  }

  private spawn(): void {
    const { instructorTests } = this.options;
    const init: WorkerInit = {
      lab: this.options.lab,
      entryLabel: this.options.entryLabel,
      ...(instructorTests ? { instructorTests: true } : {}),
      ...(this.options.echoConsole ? { echoConsole: true } : {}),
      deadlineMs: this.options.deadlineMs,
    };
    // Flags are set here rather than inherited: the worker needs tsx's loader however the grader was
    // started (tsx, vitest, plain node), and must not inherit flags such as --inspect. The time zone
    // and locale are fixed, so that Date's local-time methods answer the same on every machine.
    const child = fork(WORKER_FILE, [JSON.stringify(init)], {
      execArgv: workerFlags(this.options.memoryMb),
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: { ...process.env, TZ: "UTC", LC_ALL: "C.UTF-8", LANG: "C.UTF-8" },
    });
    const slot: Slot = {
      child,
      ready: false,
      dead: false,
      running: null,
      outOfMemory: false,
      completed: 0,
      loadDeadline: setTimeout(() => {
        this.fail(slot, `loading ${this.options.implementationLabel} did not finish within ${seconds(this.options.deadlineMs)}: an infinite loop at the top level of a module?`);
      }, this.options.deadlineMs),
    };
    this.slots.add(slot);
    const bundle: BundleMessage = { type: "bundle", bundle: this.options.bundle };
    child.send(bundle);
    if (instructorTests) {
      const message: InstructorTestsMessage = { type: "instructor-tests", packed: instructorTests };
      child.send(message);
    }
    child.stdout?.on("data", (chunk: Buffer) => this.options.labOutput.write(chunk));
    child.stderr?.on("data", (chunk: Buffer) => {
      // V8's out-of-memory report is for V8 developers; the seed's failure says it in our words.
      if (slot.outOfMemory || /Last few GCs|heap out of memory|Allocation failed/.test(chunk.toString())) slot.outOfMemory = true;
      else this.options.labOutput.write(chunk);
    });
    child.on("message", (reply: WorkerReply) => this.onReply(slot, reply));
    child.on("error", (error) => this.fail(slot, `could not run its worker process: ${error.message}`));
    // "close", not "exit": by then all of its stderr has been read, so an out-of-memory abort is known.
    child.on("close", (code, signal) => {
      this.fail(
        slot,
        slot.outOfMemory
          ? `ran out of memory (${this.options.memoryMb} MB): unbounded state or a message storm?`
          : `stopped its worker process (${signal ? `signal ${signal}` : `exit code ${code}`})`,
      );
    });
  }

  private onReply(slot: Slot, reply: WorkerReply): void {
    if (slot.dead) return;
    switch (reply.type) {
      case "ready":
        clearTimeout(slot.loadDeadline);
        slot.ready = true;
        this.settleLoad(null);
        this.pump();
        return;
      case "load-error":
        this.fail(slot, reply.message);
        return;
      case "result": {
        const running = slot.running;
        if (running === null || running.taskId !== reply.taskId) return;
        clearTimeout(running.deadline);
        slot.running = null;
        running.finish(reply.result);
        if (++slot.completed >= SEEDS_PER_WORKER) void this.retire(slot);
        this.pump();
        return;
      }
    }
  }

  /**
   * A worker is finished (deadline, crash, exit, failed load): it is killed, and its seed fails with
   * `reason`. If it never loaded the implementation, the reason is a load failure instead.
   */
  private fail(slot: Slot, reason: string): void {
    if (slot.dead || this.closed) return;
    void this.kill(slot);
    if (!slot.ready) {
      if (this.reportLoad !== null) return this.settleLoad(reason);
      // A replacement worker could not load what loaded before: the waiting seeds cannot run.
      for (const queued of this.queue.splice(0)) {
        queued.finish({ seed: queued.task.seed, passed: false, message: `a fresh worker could not load the implementation: ${reason}` });
      }
      return;
    }
    const running = slot.running;
    if (running !== null) {
      slot.running = null;
      running.finish({ seed: running.task.seed, passed: false, message: `seed ${running.task.seed} ${reason}` });
    }
    this.pump();
  }

  /**
   * Stops an idle worker gracefully: it flushes what lab code printed (a pipe takes output
   * asynchronously, so a worker killed at once can lose the end of it) and exits. One that has not
   * gone within RETIRE_GRACE_MS is killed.
   */
  private retire(slot: Slot): Promise<void> {
    const gone = this.kill(slot, RETIRE_GRACE_MS);
    const message: ExitMessage = { type: "exit" };
    if (slot.child.connected) slot.child.send(message, () => {});
    return gone;
  }

  /** Stops a worker for good (SIGKILL: a busy loop cannot ignore it) and resolves once it is gone. */
  private kill(slot: Slot, graceMs = 0): Promise<void> {
    slot.dead = true;
    clearTimeout(slot.loadDeadline);
    if (slot.running) clearTimeout(slot.running.deadline);
    this.slots.delete(slot);
    const { child } = slot;
    if ((child.exitCode !== null || child.signalCode !== null) && (child.stdout?.readableEnded ?? true)) return Promise.resolve();
    // "close", not "exit": by then its output has been read to the end, so console output printed just
    // before its last result is counted (an output flood is judged on all of it).
    return new Promise((resolve) => {
      const timer = graceMs > 0 ? setTimeout(() => child.kill("SIGKILL"), graceMs) : undefined;
      child.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
      if (graceMs === 0) child.kill("SIGKILL");
    });
  }

  private settleLoad(loadError: string | null): void {
    const report = this.reportLoad;
    this.reportLoad = null;
    report?.(loadError);
  }
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
