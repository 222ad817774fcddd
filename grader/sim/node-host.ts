/**
 * Hosts the nodes: creates each incarnation with its context, runs lab code (deliveries, timers,
 * calls from the test) inside the determinism guards and turns what it throws into errors that say
 * where, serves the context's calls (send, timers, storage, the node's clock, logging), and carries
 * out what happens to a node itself: crash, restart, pause, and a skewed clock.
 */
import type { Json, NodeContext, NodeFactory, NodeHandlers, NodeId, TimerId } from "./api.js";
import { DeterminismError, HandlerError, OutputFlood, SimulationError } from "./errors.js";
import type { EventLoop } from "./event-loop.js";
import { installGuards } from "./guards.js";
import { isFrozenMutationError, sealValue } from "./message.js";
import { Context, type ContextHost } from "./node-context.js";
import { NodeSlot, TOMBSTONE } from "./node-slot.js";
import { ACTION, CALL, DELIVER, Pending, TIMER, type Slot } from "./pending.js";
import { Random } from "./random.js";
import type { Transport } from "./transport.js";

/** How much lab code may log in one run (see `log`). */
export const LOG_LIMIT_BYTES = 8 * 1024 * 1024;

export interface AddNodeOptions {
  /** Who this node sees as `ctx.peers` (default: every non-client node but itself). */
  peers?: readonly NodeId[];
  /** Clients are left out of other nodes' default peers. */
  client?: boolean;
}

export class NodeHost implements ContextHost {
  readonly slots: Slot[] = [];
  private readonly byId = new Map<NodeId, Slot>();
  /** The node whose lab code is running, if any. */
  private current: Slot | null = null;
  private guarded = false;
  private asyncUse: string | null = null;
  private readonly redirectsNoted = new Set<string>();
  private loggedBytes = 0;
  private timerIds = 0;

  constructor(
    private readonly loop: EventLoop,
    /** The network the nodes send through. */
    private readonly transport: Transport,
    private readonly seed: number,
    /** The run's own random stream: Math.random outside any node's code. */
    private readonly ownRng: Random,
    private readonly watchPromises: ((onPromise: () => void) => () => void) | undefined,
  ) {}

  get now(): number {
    return this.loop.now;
  }

  get nodeIds(): NodeId[] {
    return this.slots.map((s) => s.id);
  }

  add(id: NodeId, factory: NodeFactory, options: AddNodeOptions): void {
    if (this.byId.has(id)) throw new Error(`node ${id} was added twice`);
    const slot: Slot = new NodeSlot(this.slots.length, id, factory, options.peers, options.client ?? false, this.seed);
    this.slots.push(slot);
    this.byId.set(id, slot);
  }

  slot(id: NodeId): Slot {
    const slot = this.byId.get(id);
    if (slot === undefined) throw new Error(`unknown node ${JSON.stringify(id)}; the nodes are ${this.nodeIds.join(", ")}`);
    return slot;
  }

  startNode(id: NodeId): void {
    const slot = this.slot(id);
    if (slot.status !== "new") throw new Error(`node ${id} has already started`);
    slot.peers = slot.explicitPeers ?? this.slots.filter((s) => s !== slot && !s.client).map((s) => s.id);
    this.boot(slot, "start");
  }

  /** Calls into a node at virtual time `time`, as its application would; skipped if it is down then. */
  callAt<H extends NodeHandlers>(time: number, node: NodeId, label: string, fn: (handlers: H) => void): void {
    const slot = this.slot(node);
    const loop = this.loop;
    loop.queue.push(new Pending(Math.max(time, loop.now), ++loop.seq, CALL, slot, 0, 0, null, null, fn as never, label));
  }

  // ---------------------------------------------------------------- running events

  /** Runs one event: a delivery, a timer, a test action or a call into a node. */
  handle(e: Pending): void {
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
    const to = e.target as Slot;
    const from = e.from as Slot;
    const loop = this.loop;
    if (to.status !== "up") return this.transport.drop(e.id, from, to, "node-down");
    if (this.transport.isCut(from, to)) return this.transport.drop(e.id, from, to, "partition");
    if (to.paused) {
      to.deferred.push(e);
      return;
    }
    loop.stats.delivered++;
    if (loop.emitting) loop.emit({ t: loop.now, type: "deliver", id: e.id, from: from.id, to: to.id });
    const handlers = to.handlers as NodeHandlers;
    if (handlers.onMessage === undefined) {
      throw new HandlerError(`${to.id} received a message but has no onMessage handler`, { time: loop.now, node: to.id });
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
    const slot = e.target as Slot;
    if (e.cancelled || slot.incarnation !== e.incarnation || slot.status !== "up") return;
    if (slot.paused) {
      slot.deferred.push(e);
      return;
    }
    slot.timers.delete(e.id);
    if (this.loop.emitting) this.loop.emit({ t: this.loop.now, type: "timer-fire", node: slot.id, timer: e.id });
    const handlers = slot.handlers as NodeHandlers;
    if (handlers.onTimer === undefined) {
      throw new HandlerError(`${slot.id} set a timer but has no onTimer handler`, { time: this.loop.now, node: slot.id });
    }
    this.runHandler(slot, `timer ${e.id}`, () => (handlers.onTimer as NonNullable<NodeHandlers["onTimer"]>)(e.data, e.id));
  }

  private call(e: Pending): void {
    const slot = e.target as Slot;
    if (slot.status !== "up") {
      this.loop.note(`${e.label} on ${slot.id} skipped: node is down`);
      return;
    }
    if (slot.paused) {
      slot.deferred.push(e);
      return;
    }
    if (this.loop.emitting) this.loop.emit({ t: this.loop.now, type: "call", node: slot.id, label: e.label });
    const fn = e.fn as (handlers: NodeHandlers) => void;
    this.runHandler(slot, e.label, () => fn(slot.handlers as NodeHandlers));
  }

  /** Runs lab code for `slot`, turning anything it throws into a `SimulationError` that says where. */
  private runHandler(slot: Slot, what: string, body: () => unknown): void {
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

  private asyncFailure(slot: Slot, what: string): never {
    const use = this.asyncUse;
    this.asyncUse = null;
    const now = this.loop.now;
    throw new DeterminismError(
      `${slot.id} ${use} while handling ${what} at t=${now}ms. Work that outlives a handler escapes the simulation; ` +
        `handlers must be synchronous. Use ctx.setTimer to do something later.`,
      { time: now, node: slot.id },
    );
  }

  private wrap(error: unknown, slot: Slot, what: string): SimulationError {
    const now = this.loop.now;
    if (error instanceof SimulationError) {
      if (error.time !== undefined) return error;
      return new (error.constructor as typeof SimulationError)(`${slot.id} at t=${now}ms: ${error.message}`, {
        time: now,
        node: slot.id,
      });
    }
    let message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (isFrozenMutationError(error)) {
      message +=
        " (the messages, timer payloads and stored values a node receives are frozen copies, so that what was sent can't change in flight: copy before changing, e.g. { ...msg } or [...list])";
    }
    return new HandlerError(`${slot.id} threw while handling ${what} at t=${now}ms: ${message}`, { time: now, node: slot.id }, {
      cause: error,
    });
  }

  /** Installs the determinism guards for the duration of `fn` (nesting is fine). */
  guard(fn: () => void): void {
    if (this.guarded) return fn();
    this.guarded = true;
    const restore = installGuards({
      random: () => (this.current ?? { rng: this.ownRng }).rng.next(),
      now: () => (this.current ? this.localTime(this.current) : this.loop.now),
      redirected: (what) => this.noteRedirect(this.current?.id ?? "test code", what),
      where: () => ({ time: this.loop.now, ...(this.current ? { node: this.current.id } : {}) }),
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

  /** Notes in the trace, once per run and kind, that `who` used Math.random or the wall clock. */
  noteRedirect(who: string, what: string): void {
    if (this.redirectsNoted.has(what)) return;
    this.redirectsNoted.add(what);
    this.loop.note(`${who} used ${what}; redirected to the simulation's seeded generator and virtual clock (use ctx.random() and ctx.now())`);
  }

  /** Called by a promise watcher: lab code created a promise. */
  notePromise(): void {
    if (this.current !== null && this.asyncUse === null) this.asyncUse = "created a Promise (async code)";
  }

  // ---------------------------------------------------------------- what happens to a node

  private boot(slot: Slot, how: "start" | "restart"): void {
    const loop = this.loop;
    slot.incarnation++;
    slot.status = "up";
    slot.paused = false;
    slot.rng = new Random(this.seed, `node:${slot.id}:${slot.incarnation}`);
    const ctx = new Context(this, slot);
    slot.ctx = ctx;
    if (loop.emitting) {
      loop.emit(
        how === "start"
          ? { t: loop.now, type: "start", node: slot.id, incarnation: slot.incarnation }
          : { t: loop.now, type: "restart", node: slot.id, incarnation: slot.incarnation },
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
    if (this.loop.emitting) this.loop.emit({ t: this.loop.now, type: "crash", node: id });
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
    if (this.loop.emitting) this.loop.emit({ t: this.loop.now, type: "pause", node: id });
    if (forMs !== undefined) this.loop.at(this.loop.now + forMs, `resume ${id}`, () => this.resume(id));
  }

  resume(id: NodeId): void {
    const slot = this.slot(id);
    if (!slot.paused) return;
    const loop = this.loop;
    slot.paused = false;
    if (loop.emitting) loop.emit({ t: loop.now, type: "resume", node: id });
    const waiting = slot.deferred;
    slot.deferred = [];
    for (const e of waiting) {
      e.time = loop.now;
      e.seq = ++loop.seq;
      loop.queue.push(e);
    }
  }

  /** Gives a node a bad physical clock: `offsetMs` off and running `drift` too fast (0.01 = 1%). */
  setClock(id: NodeId, offsetMs: number, drift: number): void {
    if (!(drift > -1)) throw new RangeError(`clock drift must be greater than -1, got ${drift}`);
    const slot = this.slot(id);
    slot.clockOffset = offsetMs;
    slot.drift = drift;
    if (this.loop.emitting) this.loop.emit({ t: this.loop.now, type: "clock", node: id, offsetMs, drift });
  }

  // ---------------------------------------------------------------- serving the context (ContextHost)

  transmit(from: Slot, toId: NodeId, msg: Json): void {
    const to = this.byId.get(toId);
    if (to === undefined) {
      throw new Error(`send to unknown node ${JSON.stringify(toId)}; the nodes are ${this.nodeIds.join(", ")}`);
    }
    this.transport.send(from, to, msg);
  }

  setTimer(slot: Slot, delayMs: number, given: Json): TimerId {
    if (!(delayMs >= 0) || !Number.isFinite(delayMs)) {
      throw new RangeError(`setTimer needs a finite delay of 0 ms or more, got ${delayMs}`);
    }
    const loop = this.loop;
    const payload = sealValue(given, "a timer payload").value;
    const id = ++this.timerIds;
    const e = new Pending(loop.now + delayMs / (1 + slot.drift), ++loop.seq, TIMER, slot, slot.incarnation, id, null, payload, null, "");
    slot.timers.set(id, e);
    loop.queue.push(e);
    if (loop.emitting) loop.emit({ t: loop.now, type: "timer-set", node: slot.id, timer: id, delay: delayMs, payload });
    return id;
  }

  cancelTimer(slot: Slot, id: TimerId): void {
    const e = slot.timers.get(id);
    if (e === undefined) return;
    e.cancelled = true;
    slot.timers.delete(id);
    if (this.loop.emitting) this.loop.emit({ t: this.loop.now, type: "timer-cancel", node: slot.id, timer: id });
  }

  localTime(slot: Slot): number {
    return this.loop.now * (1 + slot.drift) + slot.clockOffset;
  }

  sync(slot: Slot): void {
    const keys = slot.buffer.size;
    for (const [key, value] of slot.buffer) {
      if (value === TOMBSTONE) slot.durable.delete(key);
      else slot.durable.set(key, value);
    }
    slot.buffer.clear();
    if (this.loop.emitting) this.loop.emit({ t: this.loop.now, type: "sync", node: slot.id, keys });
  }

  /** A log line of lab code (ctx.log, or console in confined code). Counted whether traced or not. */
  log(slot: Slot, text: string): void {
    this.loggedBytes += text.length + 1;
    if (this.loggedBytes > LOG_LIMIT_BYTES) {
      throw new OutputFlood(
        `${slot.id} logged more than ${LOG_LIMIT_BYTES / 1024 / 1024} MB in one run (ctx.log and console together): ` +
          "log less, for example not a line for every message of a storm",
        { time: this.loop.now, node: slot.id },
      );
    }
    if (this.loop.emitting) this.loop.emit({ t: this.loop.now, type: "log", node: slot.id, text });
  }

  assertActive(ctx: NodeContext, slot: Slot, what: string): void {
    if (slot.ctx !== ctx) {
      throw new SimulationError(
        `${slot.id}: ${what} was called through the context of an instance that crashed; a restarted node must use its new context`,
        { time: this.loop.now, node: slot.id },
      );
    }
    if (this.current !== slot) {
      throw new DeterminismError(
        `${slot.id}: ${what} was called outside a handler (from a promise, a real timer, or another node's code). ` +
          `Act only inside onStart, onMessage, onTimer or a call from the test.`,
        { time: this.loop.now, node: slot.id },
      );
    }
  }
}
