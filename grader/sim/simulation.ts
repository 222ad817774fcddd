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
 */
import type { Json, NodeFactory, NodeHandlers, NodeId, TimerId } from "./api.js";
import { DeterminismError, EventBudgetExceeded, HandlerError, OutputFlood, SimulationError } from "./errors.js";
import { EventQueue } from "./event-queue.js";
import { describeFault, type Fault, type FaultSchedule } from "./faults.js";
import { installGuards } from "./guards.js";
import { History } from "./history.js";
import { isFrozenMutationError, sealValue } from "./message.js";
import { RELIABLE_NETWORK, sampleLatency, validateConditions, type NetworkConditions } from "./network.js";
import { Context } from "./node-context.js";
import { NodeSlot, TOMBSTONE } from "./node-slot.js";
import { ACTION, CALL, DELIVER, KIND_NAMES, Pending, TIMER } from "./pending.js";
import { Random } from "./random.js";
import type { TraceEvent } from "./trace.js";

/** How much lab code may log in one run (see `log`). */
export const LOG_LIMIT_BYTES = 8 * 1024 * 1024;

export interface SimulationOptions {
  seed: number;
  /** Starting network conditions (default: reliable, 5 ms constant latency). */
  network?: Partial<NetworkConditions>;
  /** Most events one run may process before it is stopped as a livelock (default 2,000,000). */
  maxEvents?: number;
  /** Picks which pending event happens next, instead of the earliest. */
  chooser?: Chooser;
  /**
   * Installs a detector for promises created by lab code (the runner supplies one built on V8's
   * promise hooks; the simulator itself stays free of Node-only modules). Returns an uninstaller.
   */
  watchPromises?: (onPromise: () => void) => () => void;
}

/** What a `Chooser` sees of a pending event. */
export interface PendingView {
  time: number;
  kind: "deliver" | "timer" | "action" | "call";
  node: NodeId | null;
  from: NodeId | null;
  label: string;
  /** The message of a delivery, the payload of a timer; null for actions and calls. */
  payload: Json;
}

/**
 * An intervention a `Chooser` may make instead of running an event (for schedule exploration). It
 * changes the world between two steps; the chooser is then asked again for the same step.
 * - `drop`: the pending delivery `pending[drop]` is lost (traced as a drop).
 * - `duplicate`: the pending delivery `pending[duplicate]` gets a second copy, pending at the same time.
 * - `crash` / `restart`: as `crash(id)` and `restart(id)`.
 * - `stop`: `run()` returns now, leaving every pending event pending.
 */
export type ChooserAction =
  | { drop: number }
  | { duplicate: number }
  | { crash: NodeId }
  | { restart: NodeId }
  | { stop: true };

/**
 * Returns the index (into `pending`, which is in time order) of the event to run next, or an
 * intervention. Any pending event may run, however late its time: a timer "fires early" when it is
 * picked before earlier deliveries, and the clock never goes backwards.
 */
export type Chooser = (pending: readonly PendingView[], step: number) => number | ChooserAction;

/** An intervention as recorded: made before the `step`-th event ran (so replay is choices + actions). */
export interface RecordedAction {
  step: number;
  action: ChooserAction;
}

export type Listener = (event: TraceEvent) => void;

/** What an adversary sees of a message as it is sent. `linkIndex` counts messages on from->to, from 1. */
export interface InFlight {
  id: number;
  from: NodeId;
  to: NodeId;
  msg: Json;
  linkIndex: number;
}

/**
 * A scripted adversary's decision for one message: lose it, or deliver one copy per entry of
 * `delaysMs` after exactly that delay. Returning undefined leaves the message to the network.
 */
export type AdversaryDecision = { drop: true } | { delaysMs: readonly number[] };
export type Adversary = (message: InFlight) => AdversaryDecision | undefined;




export interface AddNodeOptions {
  /** Who this node sees as `ctx.peers` (default: every non-client node but itself). */
  peers?: readonly NodeId[];
  /** Clients are left out of other nodes' default peers. */
  client?: boolean;
}

export class Simulation {
  readonly seed: number;
  /** Virtual time in milliseconds. */
  now = 0;
  /** The client-operation history (Jepsen style). */
  readonly history: History;
  /** The choices made so far, when a chooser drives the run: the index of each event it picked. */
  readonly choices: number[] = [];
  /** The chooser's interventions (drops, duplicates, crashes, restarts), in order. */
  readonly actions: RecordedAction[] = [];
  readonly stats = { events: 0, sent: 0, delivered: 0, dropped: 0, duplicated: 0, bytesSent: 0 };

  private readonly queue = new EventQueue<Pending>();
  private readonly slots: NodeSlot[] = [];
  private readonly byId = new Map<NodeId, NodeSlot>();
  private readonly listeners: Listener[] = [];
  private readonly stepCheckers: (() => void)[] = [];
  private readonly netRng: Random;
  private readonly ownRng: Random;
  private net: NetworkConditions;
  private blocked = new Uint8Array(0);
  private cut = false;
  private seq = 0;
  private messageIds = 0;
  private timerIds = 0;
  private current: NodeSlot | null = null;
  private guarded = false;
  private asyncUse: string | null = null;
  private readonly redirectsNoted = new Set<string>();
  private loggedBytes = 0;
  private readonly maxEvents: number;
  private readonly chooser: Chooser | undefined;
  private readonly watchPromises: SimulationOptions["watchPromises"];
  private adversary: Adversary | null = null;
  private readonly linkCounts = new Map<number, number>();

  constructor(options: SimulationOptions) {
    if (!Number.isSafeInteger(options.seed)) throw new RangeError(`seed must be an integer, got ${options.seed}`);
    this.seed = options.seed;
    this.net = { ...RELIABLE_NETWORK, ...options.network };
    validateConditions(this.net);
    this.netRng = new Random(this.seed, "network");
    this.ownRng = new Random(this.seed, "simulation");
    this.maxEvents = options.maxEvents ?? 2_000_000;
    this.chooser = options.chooser;
    this.watchPromises = options.watchPromises;
    this.history = new History(
      () => this.now,
      (op) => this.emitting && this.emit({ t: this.now, type: "op", op }),
    );
  }

  // ---------------------------------------------------------------- setting up

  /** Adds a node. It starts when `start()` (or `startNode`) is called. */
  addNode(id: NodeId, factory: NodeFactory, options: AddNodeOptions = {}): void {
    if (this.byId.has(id)) throw new Error(`node ${id} was added twice`);
    const slot = new NodeSlot(this.slots.length, id, factory, options.peers, options.client ?? false, this.seed);
    this.slots.push(slot);
    this.byId.set(id, slot);
    const old = this.blocked;
    const n = this.slots.length;
    this.blocked = new Uint8Array(n * n);
    for (let i = 0; i < n - 1; i++) for (let j = 0; j < n - 1; j++) this.blocked[i * n + j] = old[i * (n - 1) + j] ?? 0;
  }

  /** Starts every node that has not started yet, in the order they were added. */
  start(): void {
    // One set of guards for all the nodes' starts (installing them is not free).
    this.guard(() => {
      for (const slot of this.slots) if (slot.status === "new") this.startNode(slot.id);
    });
  }

  startNode(id: NodeId): void {
    const slot = this.slot(id);
    if (slot.status !== "new") throw new Error(`node ${id} has already started`);
    slot.peers =
      slot.explicitPeers ?? this.slots.filter((s) => s !== slot && !s.client).map((s) => s.id);
    this.boot(slot, "start");
  }

  get nodeIds(): NodeId[] {
    return this.slots.map((s) => s.id);
  }

  /** Receives every trace event as it happens. */
  listen(listener: Listener): void {
    this.listeners.push(listener);
  }

  /**
   * Calls `check` after every event (a delivery, a timer, an action, a call) has been fully handled,
   * so invariants are checked at the step that breaks them. A check fails by throwing a `Violation`.
   */
  afterEachStep(check: () => void): void {
    this.stepCheckers.push(check);
  }

  /** A seeded random stream for test code (workloads, fault choices), independent of the nodes'. */
  stream(name: string): Random {
    return new Random(this.seed, `stream:${name}`);
  }

  // ---------------------------------------------------------------- scheduling

  /** Runs `fn` at virtual time `time` (test code: faults, workload steps, checks). */
  at(time: number, label: string, fn: () => void): void {
    this.push(new Pending(Math.max(time, this.now), ++this.seq, ACTION, null, 0, 0, null, null, fn as never, label));
  }

  /**
   * Calls into a node at virtual time `time`, as its application would (`label` names the call in
   * the trace, e.g. `send("a") to n2`). Runs like a handler; skipped if the node is down at that time.
   */
  callAt<H extends NodeHandlers>(time: number, node: NodeId, label: string, fn: (handlers: H) => void): void {
    const slot = this.slot(node);
    this.push(new Pending(Math.max(time, this.now), ++this.seq, CALL, slot, 0, 0, null, null, fn as never, label));
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
    this.guard(() => {
      if (this.chooser) this.runChosen(until);
      else this.runEarliestFirst(until);
    });
    if (until !== Infinity && this.now < until) this.now = until;
  }

  private runEarliestFirst(until: number): void {
    const queue = this.queue;
    for (;;) {
      const next = queue.peek();
      if (next === undefined || next.time > until) return;
      queue.pop();
      this.now = next.time;
      this.dispatch(next);
    }
  }

  private runChosen(until: number): void {
    const chooser = this.chooser as Chooser;
    for (;;) {
      const pending = this.queue.sorted().filter((e) => e.time <= until && this.isLive(e));
      if (pending.length === 0) return;
      const views = pending.map((e) => this.view(e));
      const choice = chooser(views, this.choices.length);
      if (typeof choice === "object") {
        if ("stop" in choice) return;
        this.intervene(choice, pending);
        for (const check of this.stepCheckers) check();
        continue;
      }
      const event = pending[choice];
      if (!Number.isInteger(choice) || event === undefined) {
        throw new SimulationError(`the chooser picked ${choice}, but only ${pending.length} events are pending`, {
          time: this.now,
        });
      }
      this.choices.push(choice);
      this.queue.remove(event);
      this.now = Math.max(this.now, event.time);
      this.dispatch(event);
    }
  }

  private intervene(action: Exclude<ChooserAction, { stop: true }>, pending: readonly Pending[]): void {
    this.actions.push({ step: this.choices.length, action });
    if ("crash" in action) return this.crash(action.crash);
    if ("restart" in action) return this.restart(action.restart);
    const index = "drop" in action ? action.drop : action.duplicate;
    const e = pending[index];
    if (e === undefined || e.kind !== DELIVER) {
      throw new SimulationError(`the chooser asked to ${"drop" in action ? "drop" : "duplicate"} pending event ${index}, which is not a message delivery`, {
        time: this.now,
      });
    }
    const from = e.from as NodeSlot;
    const to = e.target as NodeSlot;
    if ("drop" in action) {
      this.queue.remove(e);
      return this.drop(e.id, from, to, "loss");
    }
    this.stats.duplicated++;
    if (this.emitting) this.emit({ t: this.now, type: "duplicate", id: e.id, from: from.id, to: to.id });
    this.queue.push(new Pending(e.time, ++this.seq, DELIVER, to, 0, e.id, from, e.data, null, ""));
  }

  private isLive(e: Pending): boolean {
    return !(e.kind === TIMER && (e.cancelled || e.target?.incarnation !== e.incarnation));
  }

  private view(e: Pending): PendingView {
    return {
      time: e.time,
      kind: KIND_NAMES[e.kind] as PendingView["kind"],
      node: e.target?.id ?? null,
      from: e.from?.id ?? null,
      label: e.label,
      payload: e.kind === DELIVER || e.kind === TIMER ? e.data : null,
    };
  }

  private dispatch(e: Pending): void {
    this.handle(e);
    for (const check of this.stepCheckers) check();
  }

  private handle(e: Pending): void {
    if (++this.stats.events > this.maxEvents) {
      throw new EventBudgetExceeded(
        `the run used more than ${this.maxEvents.toLocaleString("en-US")} simulated events (a message storm or a timer that re-arms with no delay?)`,
        { time: this.now },
      );
    }
    switch (e.kind) {
      case DELIVER:
        return this.deliver(e);
      case TIMER:
        return this.fire(e);
      case ACTION:
        (e.fn as unknown as () => void)();
        return;
      case CALL:
        return this.call(e);
    }
  }

  private deliver(e: Pending): void {
    const to = e.target as NodeSlot;
    const from = e.from as NodeSlot;
    if (to.status !== "up") return this.drop(e.id, from, to, "node-down");
    if (this.cut && this.blocked[from.index * this.slots.length + to.index] === 1) {
      return this.drop(e.id, from, to, "partition");
    }
    if (to.paused) {
      to.deferred.push(e);
      return;
    }
    this.stats.delivered++;
    if (this.emitting) this.emit({ t: this.now, type: "deliver", id: e.id, from: from.id, to: to.id });
    const handlers = to.handlers as NodeHandlers;
    if (handlers.onMessage === undefined) {
      throw new HandlerError(`${to.id} received a message but has no onMessage handler`, { time: this.now, node: to.id });
    }
    this.current = to;
    try {
      const result = handlers.onMessage(from.id, e.data) as unknown;
      if (result !== undefined) this.checkSync(result, "onMessage");
    } catch (error) {
      throw this.wrap(error, to, `a message from ${from.id}`);
    } finally {
      this.current = null;
    }
    if (this.asyncUse !== null) this.asyncFailure(to, `a message from ${from.id}`);
  }

  private fire(e: Pending): void {
    const slot = e.target as NodeSlot;
    if (e.cancelled || slot.incarnation !== e.incarnation || slot.status !== "up") return;
    if (slot.paused) {
      slot.deferred.push(e);
      return;
    }
    slot.timers.delete(e.id);
    if (this.emitting) this.emit({ t: this.now, type: "timer-fire", node: slot.id, timer: e.id });
    const handlers = slot.handlers as NodeHandlers;
    if (handlers.onTimer === undefined) {
      throw new HandlerError(`${slot.id} set a timer but has no onTimer handler`, { time: this.now, node: slot.id });
    }
    this.runHandler(slot, `timer ${e.id}`, () => (handlers.onTimer as NonNullable<NodeHandlers["onTimer"]>)(e.data, e.id));
  }

  private call(e: Pending): void {
    const slot = e.target as NodeSlot;
    if (slot.status !== "up") {
      if (this.emitting) this.emit({ t: this.now, type: "note", text: `${e.label} on ${slot.id} skipped: node is down` });
      return;
    }
    if (slot.paused) {
      slot.deferred.push(e);
      return;
    }
    if (this.emitting) this.emit({ t: this.now, type: "call", node: slot.id, label: e.label });
    const fn = e.fn as (handlers: NodeHandlers) => void;
    this.runHandler(slot, e.label, () => fn(slot.handlers as NodeHandlers));
  }

  /** Runs lab code for `slot`, turning anything it throws into a `SimulationError` that says where. */
  private runHandler(slot: NodeSlot, what: string, body: () => unknown): void {
    const previous = this.current;
    this.current = slot;
    try {
      const result = body();
      if (result !== undefined) this.checkSync(result, what);
    } catch (error) {
      throw this.wrap(error, slot, what);
    } finally {
      this.current = previous;
    }
    if (this.asyncUse !== null) this.asyncFailure(slot, what);
  }

  private checkSync(result: unknown, what: string): void {
    if (result !== null && typeof (result as { then?: unknown }).then === "function") {
      throw new DeterminismError(
        `the handler for ${what} returned a Promise: handlers must be synchronous. Remove async/await and use ctx.setTimer to do work later.`,
      );
    }
  }

  private asyncFailure(slot: NodeSlot, what: string): never {
    const use = this.asyncUse;
    this.asyncUse = null;
    throw new DeterminismError(
      `${slot.id} ${use} while handling ${what} at t=${this.now}ms. Work that outlives a handler escapes the simulation; ` +
        `handlers must be synchronous. Use ctx.setTimer to do something later.`,
      { time: this.now, node: slot.id },
    );
  }

  private wrap(error: unknown, slot: NodeSlot, what: string): SimulationError {
    if (error instanceof SimulationError) {
      if (error.time !== undefined) return error;
      return new (error.constructor as typeof SimulationError)(`${slot.id} at t=${this.now}ms: ${error.message}`, {
        time: this.now,
        node: slot.id,
      });
    }
    let message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (isFrozenMutationError(error)) {
      message +=
        " (the messages, timer payloads and stored values a node receives are frozen copies, so that what was sent can't change in flight: copy before changing, e.g. { ...msg } or [...list])";
    }
    return new HandlerError(`${slot.id} threw while handling ${what} at t=${this.now}ms: ${message}`, { time: this.now, node: slot.id }, {
      cause: error,
    });
  }

  // ---------------------------------------------------------------- nodes and faults

  private boot(slot: NodeSlot, how: "start" | "restart"): void {
    slot.incarnation++;
    slot.status = "up";
    slot.paused = false;
    slot.rng = new Random(this.seed, `node:${slot.id}:${slot.incarnation}`);
    const ctx = new Context(this, slot);
    slot.ctx = ctx;
    if (this.emitting) {
      this.emit(
        how === "start"
          ? { t: this.now, type: "start", node: slot.id, incarnation: slot.incarnation }
          : { t: this.now, type: "restart", node: slot.id, incarnation: slot.incarnation },
      );
    }
    this.guard(() => {
      this.runHandler(slot, how === "start" ? "its creation" : "its re-creation after a restart", () => {
        slot.handlers = slot.factory(ctx);
        if (slot.handlers === null || typeof slot.handlers !== "object") {
          throw new TypeError(`the node factory returned ${String(slot.handlers)} instead of an object with handlers`);
        }
      });
      const handlers = slot.handlers as NodeHandlers;
      if (handlers.onStart) this.runHandler(slot, "onStart", () => handlers.onStart?.());
    });
  }

  /** Crash: the node stops; its instance, timers, pending work and unsynced writes are gone. */
  crash(id: NodeId): void {
    const slot = this.slot(id);
    if (slot.status !== "up") return;
    slot.status = "down";
    slot.paused = false;
    slot.handlers = null;
    slot.ctx = null;
    slot.buffer.clear();
    slot.timers.clear();
    slot.deferred = [];
    if (this.emitting) this.emit({ t: this.now, type: "crash", node: id });
  }

  /** Restart: a fresh instance of a crashed node, with only its synced storage. */
  restart(id: NodeId): void {
    const slot = this.slot(id);
    if (slot.status !== "down") return;
    this.boot(slot, "restart");
  }

  /** Freezes a node; messages and timers wait until it resumes. Resumes by itself after `forMs`. */
  pause(id: NodeId, forMs?: number): void {
    const slot = this.slot(id);
    if (slot.status !== "up" || slot.paused) return;
    slot.paused = true;
    if (this.emitting) this.emit({ t: this.now, type: "pause", node: id });
    if (forMs !== undefined) this.at(this.now + forMs, `resume ${id}`, () => this.resume(id));
  }

  resume(id: NodeId): void {
    const slot = this.slot(id);
    if (!slot.paused) return;
    slot.paused = false;
    if (this.emitting) this.emit({ t: this.now, type: "resume", node: id });
    const waiting = slot.deferred;
    slot.deferred = [];
    for (const e of waiting) {
      e.time = this.now;
      e.seq = ++this.seq;
      this.queue.push(e);
    }
  }

  /** Splits the network: nodes in different groups cannot talk; unlisted nodes form one more group. */
  partition(groups: readonly (readonly NodeId[])[]): void {
    const n = this.slots.length;
    const groupOf = new Array<number>(n).fill(groups.length);
    groups.forEach((group, g) => {
      for (const id of group) groupOf[this.slot(id).index] = g;
    });
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) if (groupOf[i] !== groupOf[j]) this.blocked[i * n + j] = 1;
    }
    this.cut = true;
    if (this.emitting) this.emit({ t: this.now, type: "partition", groups: groups.map((g) => [...g]) });
  }

  /** Cuts one direction of one link. */
  block(from: NodeId, to: NodeId): void {
    const n = this.slots.length;
    this.blocked[this.slot(from).index * n + this.slot(to).index] = 1;
    this.cut = true;
    if (this.emitting) this.emit({ t: this.now, type: "block", from, to });
  }

  heal(): void {
    this.blocked.fill(0);
    this.cut = false;
    if (this.emitting) this.emit({ t: this.now, type: "heal" });
  }

  setNetwork(conditions: Partial<NetworkConditions>): void {
    const next = { ...this.net, ...conditions };
    validateConditions(next);
    this.net = next;
    if (this.emitting) this.emit({ t: this.now, type: "network", conditions: next });
  }

  /** Gives a node a bad physical clock: `offsetMs` off and running `drift` too fast (0.01 = 1%). */
  setClock(id: NodeId, offsetMs: number, drift: number): void {
    if (!(drift > -1)) throw new RangeError(`clock drift must be greater than -1, got ${drift}`);
    const slot = this.slot(id);
    slot.clockOffset = offsetMs;
    slot.drift = drift;
    if (this.emitting) this.emit({ t: this.now, type: "clock", node: id, offsetMs, drift });
  }

  /**
   * Lets a test decide the fate of individual messages (drop one, hold one back past the next, send
   * a late duplicate). Partitions still apply first; network loss and latency do not apply to
   * messages the adversary decides.
   */
  intercept(adversary: Adversary | null): void {
    this.adversary = adversary;
  }

  // ---------------------------------------------------------------- observing

  isUp(id: NodeId): boolean {
    const slot = this.slot(id);
    return slot.status === "up";
  }

  /** The live instance of a node (for checks that read state), or null while it is down. */
  handlersOf<H extends NodeHandlers>(id: NodeId): H | null {
    return this.slot(id).handlers as H | null;
  }

  /** A node's storage: what is synced (survives a crash) and what is written but not yet synced (null: deleted). */
  storageOf(id: NodeId): { synced: ReadonlyMap<string, Json>; unsynced: ReadonlyMap<string, Json | null> } {
    const slot = this.slot(id);
    const unsynced = new Map<string, Json | null>();
    for (const [key, value] of slot.buffer) unsynced.set(key, value === TOMBSTONE ? null : value);
    return { synced: slot.durable, unsynced };
  }

  /** Messages a node has sent so far, over all its incarnations. */
  sentBy(id: NodeId): number {
    return this.slot(id).sent;
  }

  /** Adds a note to the trace (a test's own annotation). */
  note(text: string): void {
    if (this.emitting) this.emit({ t: this.now, type: "note", text });
  }

  /** Notes in the trace, once per run and kind, that `who` used Math.random or the wall clock. */
  noteRedirect(who: string, what: string): void {
    if (this.redirectsNoted.has(what)) return;
    this.redirectsNoted.add(what);
    this.note(`${who} used ${what}; redirected to the simulation's seeded generator and virtual clock (use ctx.random() and ctx.now())`);
  }

  /** Called by a promise watcher: lab code created a promise. */
  notePromise(): void {
    if (this.current !== null && this.asyncUse === null) this.asyncUse = "created a Promise (async code)";
  }

  // ---------------------------------------------------------------- used by Context

  /** @internal */
  transmit(from: NodeSlot, toId: NodeId, sent: Json): void {
    const to = this.byId.get(toId);
    if (to === undefined) {
      throw new Error(`send to unknown node ${JSON.stringify(toId)}; the nodes are ${this.nodeIds.join(", ")}`);
    }
    const { value: msg, bytes } = sealValue(sent);
    const id = ++this.messageIds;
    const stats = this.stats;
    stats.sent++;
    stats.bytesSent += bytes;
    from.sent++;
    const emitting = this.emitting;
    if (emitting) this.emit({ t: this.now, type: "send", id, from: from.id, to: toId, bytes, msg });
    if (this.cut && this.blocked[from.index * this.slots.length + to.index] === 1) {
      return this.drop(id, from, to, "partition");
    }
    if (this.adversary !== null && this.decide(id, from, to, msg)) return;
    const net = this.net;
    if (net.loss > 0 && this.netRng.next() < net.loss) return this.drop(id, from, to, "loss");
    const t = this.now + sampleLatency(net.latency, this.netRng);
    this.queue.push(new Pending(t, ++this.seq, DELIVER, to, 0, id, from, msg, null, ""));
    if (net.duplicate > 0 && this.netRng.next() < net.duplicate) {
      stats.duplicated++;
      if (emitting) this.emit({ t: this.now, type: "duplicate", id, from: from.id, to: toId });
      const t2 = this.now + sampleLatency(net.latency, this.netRng);
      this.queue.push(new Pending(t2, ++this.seq, DELIVER, to, 0, id, from, msg, null, ""));
    }
  }

  /** @internal */
  setTimer(slot: NodeSlot, delayMs: number, given: Json): TimerId {
    if (!(delayMs >= 0) || !Number.isFinite(delayMs)) {
      throw new RangeError(`setTimer needs a finite delay of 0 ms or more, got ${delayMs}`);
    }
    const payload = sealValue(given, "a timer payload").value;
    const id = ++this.timerIds;
    const e = new Pending(this.now + delayMs / (1 + slot.drift), ++this.seq, TIMER, slot, slot.incarnation, id, null, payload, null, "");
    slot.timers.set(id, e);
    this.queue.push(e);
    if (this.emitting) this.emit({ t: this.now, type: "timer-set", node: slot.id, timer: id, delay: delayMs, payload });
    return id;
  }

  /** @internal */
  cancelTimer(slot: NodeSlot, id: TimerId): void {
    const e = slot.timers.get(id);
    if (e === undefined) return;
    e.cancelled = true;
    slot.timers.delete(id);
    if (this.emitting) this.emit({ t: this.now, type: "timer-cancel", node: slot.id, timer: id });
  }

  /** @internal */
  localTime(slot: NodeSlot): number {
    return this.now * (1 + slot.drift) + slot.clockOffset;
  }

  /** @internal */
  sync(slot: NodeSlot): void {
    const keys = slot.buffer.size;
    for (const [key, value] of slot.buffer) {
      if (value === TOMBSTONE) slot.durable.delete(key);
      else slot.durable.set(key, value);
    }
    slot.buffer.clear();
    if (this.emitting) this.emit({ t: this.now, type: "sync", node: slot.id, keys });
  }

  /** @internal: a log line of lab code (ctx.log, or console in confined code). Counted whether traced or not. */
  log(slot: NodeSlot, text: string): void {
    this.loggedBytes += text.length + 1;
    if (this.loggedBytes > LOG_LIMIT_BYTES) {
      throw new OutputFlood(
        `${slot.id} logged more than ${LOG_LIMIT_BYTES / 1024 / 1024} MB in one run (ctx.log and console together): ` +
          "log less, for example not a line for every message of a storm",
        { time: this.now, node: slot.id },
      );
    }
    if (this.emitting) this.emit({ t: this.now, type: "log", node: slot.id, text });
  }

  /** @internal: throws unless `slot`'s current instance is running a handler. */
  assertActive(ctx: Context, slot: NodeSlot, what: string): void {
    if (slot.ctx !== ctx) {
      throw new SimulationError(
        `${slot.id}: ${what} was called through the context of an instance that crashed; a restarted node must use its new context`,
        { time: this.now, node: slot.id },
      );
    }
    if (this.current !== slot) {
      throw new DeterminismError(
        `${slot.id}: ${what} was called outside a handler (from a promise, a real timer, or another node's code). ` +
          `Act only inside onStart, onMessage, onTimer or a call from the test.`,
        { time: this.now, node: slot.id },
      );
    }
  }

  // ---------------------------------------------------------------- internals

  private get emitting(): boolean {
    return this.listeners.length > 0;
  }

  private emit(event: TraceEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** Applies the adversary's decision; returns true if it decided the message's fate. */
  private decide(id: number, from: NodeSlot, to: NodeSlot, msg: Json): boolean {
    const link = from.index * this.slots.length + to.index;
    const linkIndex = (this.linkCounts.get(link) ?? 0) + 1;
    this.linkCounts.set(link, linkIndex);
    const decision = (this.adversary as Adversary)({ id, from: from.id, to: to.id, msg, linkIndex });
    if (decision === undefined) return false;
    if ("drop" in decision) {
      this.drop(id, from, to, "loss");
      return true;
    }
    decision.delaysMs.forEach((delay, copy) => {
      if (copy > 0) {
        this.stats.duplicated++;
        if (this.emitting) this.emit({ t: this.now, type: "duplicate", id, from: from.id, to: to.id });
      }
      this.queue.push(new Pending(this.now + delay, ++this.seq, DELIVER, to, 0, id, from, msg, null, ""));
    });
    return true;
  }

  private drop(id: number, from: NodeSlot, to: NodeSlot, reason: "loss" | "partition" | "node-down"): void {
    this.stats.dropped++;
    if (this.emitting) this.emit({ t: this.now, type: "drop", id, from: from.id, to: to.id, reason });
  }

  private push(e: Pending): void {
    this.queue.push(e);
  }

  private slot(id: NodeId): NodeSlot {
    const slot = this.byId.get(id);
    if (slot === undefined) throw new Error(`unknown node ${JSON.stringify(id)}; the nodes are ${this.nodeIds.join(", ")}`);
    return slot;
  }

  /** Installs the determinism guards for the duration of `fn` (nesting is fine). */
  private guard(fn: () => void): void {
    if (this.guarded) return fn();
    this.guarded = true;
    const restore = installGuards({
      random: () => (this.current ?? { rng: this.ownRng }).rng.next(),
      now: () => (this.current ? this.localTime(this.current) : this.now),
      redirected: (what) => this.noteRedirect(this.current?.id ?? "test code", what),
      where: () => ({ time: this.now, ...(this.current ? { node: this.current.id } : {}) }),
    });
    const unwatch = this.watchPromises?.(() => this.notePromise());
    try {
      fn();
    } finally {
      unwatch?.();
      restore();
      this.guarded = false;
    }
  }
}

