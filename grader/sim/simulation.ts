/**
 * The simulation: virtual time, nodes, the network between them, faults, and the record of it all.
 *
 * Pending events (message deliveries, timers, test actions, calls into nodes) wait in one queue
 * ordered by (time, insertion sequence). By default the earliest event always runs next, and every
 * random choice (latency, loss, duplication, node randomness) comes from streams seeded by the run's
 * seed, so a run is a pure function of (seed, test, implementation). Alternatively a `Chooser` picks
 * which pending event runs next; the choices are recorded, so such a run replays exactly too.
 *
 * The simulator does no I/O: it only calls listeners, so it can run in a worker, a test or a browser.
 *
 * This file is the API tests use; each job lives in its own module: the event loop and queue
 * (event-loop.ts), hosting nodes and what happens to them (node-host.ts), the network and the faults
 * on its links (transport.ts), explicit-choice scheduling and its interventions (explicit-schedule.ts).
 */
import type { Json, NodeFactory, NodeHandlers, NodeId } from "./api.js";
import type { RunInterrupted } from "./errors.js";
import { EventLoop, type Listener } from "./event-loop.js";
import { ExplicitSchedule, type Chooser, type RecordedAction } from "./explicit-schedule.js";
import { describeFault, type Fault, type FaultSchedule } from "./faults.js";
import { History } from "./history.js";
import { RELIABLE_NETWORK, type NetworkConditions } from "./network.js";
import { NodeHost, type AddNodeOptions } from "./node-host.js";
import { TOMBSTONE } from "./node-slot.js";
import { Random } from "./random.js";
import { Transport, type Adversary } from "./transport.js";

export type { Listener } from "./event-loop.js";
export type { Chooser, ChooserAction, PendingView, RecordedAction } from "./explicit-schedule.js";
export { LOG_LIMIT_BYTES, type AddNodeOptions } from "./node-host.js";
export type { Adversary, AdversaryDecision, InFlight } from "./transport.js";

export interface SimulationOptions {
  seed: number;
  /** Starting network conditions (default: reliable, 5 ms constant latency). */
  network?: Partial<NetworkConditions>;
  /** Most events one run may process before it is stopped as a storm or livelock (default 2,000,000). */
  maxEvents?: number;
  /** Picks which pending event happens next, instead of the earliest. */
  chooser?: Chooser;
  /**
   * Installs a detector for promises created by lab code (the runner supplies one built on V8's
   * promise hooks; the simulator itself stays free of Node-only modules). Returns an uninstaller.
   */
  watchPromises?: (onPromise: () => void) => () => void;
  /**
   * Asked every few hundred events whether to stop (the runner's wall-clock deadline: the simulator
   * itself never reads a clock). A reason stops the run with a `RunInterrupted` error that gives the
   * reason and what the run was doing, from virtual-time counts. Runs it never stops are unaffected.
   */
  interrupt?: () => string | null;
}

export class Simulation {
  readonly seed: number;
  /** The client-operation history (Jepsen style). */
  readonly history: History;
  /** The choices made so far, when a chooser drives the run: the index of each event it picked. */
  readonly choices: number[];
  /** The chooser's interventions (drops, duplicates, crashes, restarts), in order. */
  readonly actions: RecordedAction[];
  readonly stats: EventLoop["stats"];

  private readonly loop: EventLoop;
  private readonly host: NodeHost;
  private readonly transport: Transport;
  private readonly schedule: ExplicitSchedule;
  private readonly chooser: Chooser | undefined;

  constructor(options: SimulationOptions) {
    if (!Number.isSafeInteger(options.seed)) throw new RangeError(`seed must be an integer, got ${options.seed}`);
    this.seed = options.seed;
    const loop = new EventLoop(options.maxEvents ?? 2_000_000, options.interrupt);
    this.loop = loop;
    this.transport = new Transport(loop, { ...RELIABLE_NETWORK, ...options.network }, new Random(this.seed, "network"), (id) => this.host.slot(id));
    this.host = new NodeHost(loop, this.transport, this.seed, new Random(this.seed, "simulation"), options.watchPromises);
    loop.handler = this.host;
    loop.nameOf = (index) => (this.host.slots[index] as { id: NodeId }).id;
    this.schedule = new ExplicitSchedule(loop, this.host, this.transport);
    this.chooser = options.chooser;
    this.choices = this.schedule.choices;
    this.actions = this.schedule.actions;
    this.stats = loop.stats;
    this.history = new History(
      () => loop.now,
      (op) => loop.emitting && loop.emit({ t: loop.now, type: "op", op }),
    );
  }

  /** Virtual time in milliseconds. */
  get now(): number {
    return this.loop.now;
  }

  /** Whether the run was stopped by `interrupt`, and with what error (even if a test caught it). */
  get interrupted(): RunInterrupted | null {
    return this.loop.interrupted;
  }

  // ---------------------------------------------------------------- setting up

  /** Adds a node. It starts when `start()` (or `startNode`) is called. */
  addNode(id: NodeId, factory: NodeFactory, options: AddNodeOptions = {}): void {
    this.host.add(id, factory, options);
    this.transport.addNode();
  }

  /** Starts every node that has not started yet, in the order they were added. */
  start(): void {
    // One set of guards for all the nodes' starts (installing them is not free).
    this.host.guard(() => {
      for (const slot of this.host.slots) if (slot.status === "new") this.host.startNode(slot.id);
    });
  }

  startNode(id: NodeId): void {
    this.host.startNode(id);
  }

  get nodeIds(): NodeId[] {
    return this.host.nodeIds;
  }

  /** Receives every trace event as it happens. */
  listen(listener: Listener): void {
    this.loop.listeners.push(listener);
  }

  /**
   * Calls `check` after every event (a delivery, a timer, an action, a call) has been fully handled,
   * so invariants are checked at the step that breaks them. A check fails by throwing a `Violation`.
   */
  afterEachStep(check: () => void): void {
    this.loop.stepCheckers.push(check);
  }

  /** A seeded random stream for test code (workloads, fault choices), independent of the nodes'. */
  stream(name: string): Random {
    return new Random(this.seed, `stream:${name}`);
  }

  // ---------------------------------------------------------------- scheduling

  /** Runs `fn` at virtual time `time` (test code: faults, workload steps, checks). */
  at(time: number, label: string, fn: () => void): void {
    this.loop.at(time, label, fn);
  }

  /**
   * Calls into a node at virtual time `time`, as its application would (`label` names the call in
   * the trace, e.g. `send("a") to n2`). Runs like a handler; skipped if the node is down at that time.
   */
  callAt<H extends NodeHandlers>(time: number, node: NodeId, label: string, fn: (handlers: H) => void): void {
    this.host.callAt(time, node, label, fn);
  }

  /** Schedules every fault of a schedule. */
  scheduleFaults(faults: FaultSchedule): void {
    for (const fault of faults) this.at(fault.at, describeFault(fault), () => this.applyFault(fault));
  }

  applyFault(fault: Fault): void {
    switch (fault.type) {
      case "partition":
        return this.partition(fault.groups);
      case "block":
        return this.block(fault.from, fault.to);
      case "heal":
        return this.heal();
      case "crash":
        return this.crash(fault.node);
      case "restart":
        return this.restart(fault.node);
      case "pause":
        return this.pause(fault.node, fault.forMs);
      case "network":
        return this.setNetwork(fault.conditions);
      case "clock":
        return this.setClock(fault.node, fault.offsetMs, fault.drift);
    }
  }

  // ---------------------------------------------------------------- running

  /**
   * Processes events until none is left or the next one is later than `until` (then time advances
   * to `until`). Throws a `SimulationError` if lab code fails, a check fails, or the budget runs out.
   */
  run(until = Infinity): void {
    this.host.guard(() => {
      if (this.chooser) this.schedule.run(this.chooser, until);
      else this.loop.runEarliestFirst(until);
    });
    if (until !== Infinity && this.loop.now < until) this.loop.advance(until);
  }

  // ---------------------------------------------------------------- faults

  /** Crash: the node stops; its instance, timers, pending work and unsynced writes are gone. */
  crash(id: NodeId): void {
    this.host.crash(id);
  }

  /** Restart: a fresh instance of a crashed node, with only its synced storage. */
  restart(id: NodeId): void {
    this.host.restart(id);
  }

  /** Freezes a node; messages and timers wait until it resumes. Resumes by itself after `forMs`. */
  pause(id: NodeId, forMs?: number): void {
    this.host.pause(id, forMs);
  }

  resume(id: NodeId): void {
    this.host.resume(id);
  }

  /** Splits the network: nodes in different groups cannot talk; unlisted nodes form one more group. */
  partition(groups: readonly (readonly NodeId[])[]): void {
    this.transport.partition(groups);
  }

  /** Cuts one direction of one link. */
  block(from: NodeId, to: NodeId): void {
    this.transport.block(from, to);
  }

  heal(): void {
    this.transport.heal();
  }

  setNetwork(conditions: Partial<NetworkConditions>): void {
    this.transport.setNetwork(conditions);
  }

  /** Gives a node a bad physical clock: `offsetMs` off and running `drift` too fast (0.01 = 1%). */
  setClock(id: NodeId, offsetMs: number, drift: number): void {
    this.host.setClock(id, offsetMs, drift);
  }

  /**
   * Lets a test decide the fate of individual messages (drop one, hold one back past the next, send
   * a late duplicate). Partitions still apply first; network loss and latency do not apply to
   * messages the adversary decides.
   */
  intercept(adversary: Adversary | null): void {
    this.transport.intercept(adversary);
  }

  // ---------------------------------------------------------------- observing

  isUp(id: NodeId): boolean {
    return this.host.slot(id).status === "up";
  }

  /** The live instance of a node (for checks that read state), or null while it is down. */
  handlersOf<H extends NodeHandlers>(id: NodeId): H | null {
    return this.host.slot(id).handlers as H | null;
  }

  /** A node's storage: what is synced (survives a crash) and what is written but not yet synced (null: deleted). */
  storageOf(id: NodeId): { synced: ReadonlyMap<string, Json>; unsynced: ReadonlyMap<string, Json | null> } {
    const slot = this.host.slot(id);
    const unsynced = new Map<string, Json | null>();
    for (const [key, value] of slot.buffer) unsynced.set(key, value === TOMBSTONE ? null : value);
    return { synced: slot.durable, unsynced };
  }

  /** Messages a node has sent so far, over all its incarnations. */
  sentBy(id: NodeId): number {
    return this.host.slot(id).sent;
  }

  /** Adds a note to the trace (a test's own annotation). */
  note(text: string): void {
    this.loop.note(text);
  }

  /** Notes in the trace, once per run and kind, that `who` used Math.random or the wall clock. */
  noteRedirect(who: string, what: string): void {
    this.host.noteRedirect(who, what);
  }

  /** Called by a promise watcher: lab code created a promise. */
  notePromise(): void {
    this.host.notePromise();
  }
}
