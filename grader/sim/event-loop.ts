/**
 * The event loop: virtual time, the queue of pending events, the trace listeners, and the budget of
 * events a run may handle. It hands each event to a handler (the node host runs it) and then runs the
 * step checks, so an invariant is caught at the step that breaks it.
 *
 * It also keeps, for next to nothing per event, what a report needs when a run is stopped: the last
 * few thousand events and a coarse histogram of events over virtual time. From those,
 * activity-report.ts says what was going on (a message storm, a livelock) in virtual-time terms.
 */
import type { Json, NodeId } from "./api.js";
import { at as timeAt, count, describeActivity, type Activity, type RecentEvent } from "./activity-report.js";
import { EventBudgetExceeded, RunInterrupted } from "./errors.js";
import { EventQueue } from "./event-queue.js";
import { ACTION, DELIVER, Pending, type Slot } from "./pending.js";
import type { TraceEvent } from "./trace.js";

export type Listener = (event: TraceEvent) => void;

/** How many of the latest events are kept for a report (a power of two). */
const RECENT = 8192;
/** The rings start this small and double as a run gets longer: many runs (explored schedules) are short. */
const FIRST_CAPACITY = 256;
/** One event in this many also keeps its message, for the report to name message kinds (a power of two). */
const SAMPLE_EVERY = 64;
/** How often (in events) an `interrupt` callback is asked whether to stop. */
const POLL_EVERY = 256;
/** How many pending events a report looks at to see what is in flight. */
const IN_FLIGHT_SAMPLE = 4096;
/** The histogram's most buckets; past them, buckets double in width. */
const BUCKETS = 4096;

export class EventLoop {
  /** Virtual time in milliseconds. */
  now = 0;
  /** The last insertion number handed out: events at the same time run in insertion order. */
  seq = 0;
  readonly stats = { events: 0, sent: 0, delivered: 0, dropped: 0, duplicated: 0, bytesSent: 0 };
  readonly queue = new EventQueue<Pending>();
  readonly listeners: Listener[] = [];
  readonly stepCheckers: (() => void)[] = [];
  /** Runs each event (set once by the simulation: the node host knows what each kind means). */
  handler: { handle(e: Pending): void } = { handle() {} };
  /** Set once `interrupt` has stopped the run. */
  interrupted: RunInterrupted | null = null;

  // The latest events, in rings of plain numbers: keeping the events themselves would keep them from
  // dying young, and the garbage collector's extra work would cost more than the rest of this together.
  private capacity = FIRST_CAPACITY;
  private mask = FIRST_CAPACITY - 1;
  private sampleMask = FIRST_CAPACITY / SAMPLE_EVERY - 1;
  private times = new Float64Array(FIRST_CAPACITY);
  /** kind | (target index + 1) << 2 | (sender index + 1) << 16, and the sign bit when it was scheduled at the instant it ran. */
  private packed = new Int32Array(FIRST_CAPACITY);
  /** Messages sent in the whole run when each event began: the next one's minus this is what it sent. */
  private sentBefore = new Float64Array(FIRST_CAPACITY);
  private samples = new Array<Json>(FIRST_CAPACITY / SAMPLE_EVERY).fill(null);
  /** Names node indices for a report (set by the simulation, which knows the nodes). */
  nameOf: (index: number) => NodeId = String;
  /** `checkpoint` runs once the event count passes this: the budget, the next poll, or a full ring. */
  private nextCheck: number;
  private nextPoll: number;
  /** Events handled, and the last insertion number handed out, when virtual time last moved. */
  private movedAt = 0;
  private seqAtMove = 0;
  private bucketMs = 100;
  private bucket = 0;
  private bucketEnd = 100;
  private bucketStartEvents = 0;
  /** Events per bucket of `bucketMs`, from t=0 up to (not including) the current bucket. */
  private counts: number[] = [];

  constructor(
    private readonly maxEvents: number,
    /** Asked every few hundred events; a reason stops the run (see SimulationOptions.interrupt). */
    private readonly interrupt: (() => string | null) | undefined,
  ) {
    this.nextPoll = interrupt ? POLL_EVERY : Infinity;
    this.nextCheck = this.nextCheckpoint();
  }

  get emitting(): boolean {
    return this.listeners.length > 0;
  }

  emit(event: TraceEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  note(text: string): void {
    if (this.emitting) this.emit({ t: this.now, type: "note", text });
  }

  /** Runs `fn` at virtual time `time` (never in the past). */
  at(time: number, label: string, fn: () => void): void {
    this.queue.push(new Pending(Math.max(time, this.now), ++this.seq, ACTION, null, 0, 0, null, null, fn as never, label));
  }

  /** Runs events earliest first, until none is left or the next is later than `until`. */
  runEarliestFirst(until: number): void {
    const queue = this.queue;
    for (;;) {
      const next = queue.peek();
      if (next === undefined || next.time > until) return;
      queue.pop();
      if (next.time !== this.now) this.advance(next.time);
      this.dispatch(next);
    }
  }

  /** Runs one pending event picked out of order (explicit-choice scheduling): the clock never goes back. */
  runChosen(e: Pending): void {
    this.queue.remove(e);
    if (e.time > this.now) this.advance(e.time);
    this.dispatch(e);
  }

  /** Moves virtual time forward to `t`. */
  advance(t: number): void {
    this.now = t;
    this.movedAt = this.stats.events;
    this.seqAtMove = this.seq;
    if (t >= this.bucketEnd) this.rollBucket(t);
  }

  runStepChecks(): void {
    for (const check of this.stepCheckers) check();
  }

  /** What the run has been doing lately, for a report (see activity-report.ts). */
  activity(): Activity {
    const events = this.stats.events;
    const kept = Math.min(events, this.capacity);
    const mask = this.mask;
    const sampleMask = this.sampleMask;
    const recent: RecentEvent[] = [];
    const node = (index: number) => (index === 0 ? null : this.nameOf(index - 1));
    for (let n = events - kept + 1; n <= events; n++) {
      const i = n & mask;
      const packed = this.packed[i] as number;
      const after = n === events ? this.stats.sent : (this.sentBefore[(n + 1) & mask] as number);
      recent.push({
        time: this.times[i] as number,
        madeHere: packed < 0,
        kind: packed & 3,
        node: node((packed >>> 2) & 0x3fff),
        from: node((packed >>> 16) & 0x7fff),
        sent: after - (this.sentBefore[i] as number),
        ...((n & (SAMPLE_EVERY - 1)) === 0 ? { data: this.samples[(n / SAMPLE_EVERY) & sampleMask] as Json } : {}),
      });
    }
    const inFlight = this.queue
      .sample(IN_FLIGHT_SAMPLE)
      .filter((e) => e.kind === DELIVER && e.from !== null && e.target !== null)
      .map((e) => ({ from: (e.from as Slot).id, to: (e.target as Slot).id, data: e.data }));
    return {
      now: this.now,
      events,
      inFlight,
      sinceTimeMoved: events - this.movedAt,
      recent,
      bucketMs: this.bucketMs,
      counts: [...this.counts, ...new Array<number>(Math.max(0, this.bucket - this.counts.length)).fill(0)],
    };
  }

  private dispatch(e: Pending): void {
    const n = ++this.stats.events;
    const i = n & this.mask;
    this.times[i] = this.now;
    this.packed[i] =
      e.kind | ((e.target === null ? 0 : e.target.index + 1) << 2) | ((e.from === null ? 0 : e.from.index + 1) << 16) | (e.seq > this.seqAtMove ? 1 << 31 : 0);
    this.sentBefore[i] = this.stats.sent;
    if ((n & (SAMPLE_EVERY - 1)) === 0) this.samples[(n / SAMPLE_EVERY) & this.sampleMask] = e.data;
    if (n > this.nextCheck) this.checkpoint();
    this.handler.handle(e);
    for (const check of this.stepCheckers) check();
  }

  /** Stops the run if it is over its budget or the interrupt asks; otherwise sets the next checkpoint. */
  private checkpoint(): void {
    const events = this.stats.events;
    const at = timeAt(this.now);
    if (events > this.maxEvents) {
      const report = describeActivity(this.activity());
      throw new EventBudgetExceeded(
        `${report.text}\n(the run was stopped at ${at}, after more than ${count(this.maxEvents)} simulated events)`,
        { time: this.now, ...(report.node !== undefined ? { node: report.node } : {}) },
      );
    }
    // Just before the ring would wrap, it doubles instead (until it holds RECENT events).
    if (this.capacity < RECENT && events >= this.capacity - 1) this.grow();
    let reason: string | null = null;
    if (events > this.nextPoll) {
      this.nextPoll = events + POLL_EVERY;
      reason = this.interrupt?.() ?? null;
    }
    this.nextCheck = this.nextCheckpoint();
    if (reason === null) return;
    const report = describeActivity(this.activity());
    this.interrupted = new RunInterrupted(
      `${reason}; the simulation was still handling events (${count(events)} by ${at}):\n${report.text}`,
      { time: this.now, ...(report.node !== undefined ? { node: report.node } : {}) },
    );
    throw this.interrupted;
  }

  private nextCheckpoint(): number {
    return Math.min(this.maxEvents, this.nextPoll, this.capacity < RECENT ? this.capacity - 2 : Infinity);
  }

  /** Doubles the rings; no event has wrapped yet, so each keeps its place. */
  private grow(): void {
    const capacity = this.capacity * 2;
    const wider = <T extends Float64Array | Int32Array>(old: T, next: T): T => {
      next.set(old);
      return next;
    };
    this.times = wider(this.times, new Float64Array(capacity));
    this.packed = wider(this.packed, new Int32Array(capacity));
    this.sentBefore = wider(this.sentBefore, new Float64Array(capacity));
    this.samples = [...this.samples, ...new Array<Json>(this.samples.length).fill(null)];
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.sampleMask = this.samples.length - 1;
  }

  /** Closes the current histogram bucket and opens the one holding `t`, widening buckets as needed. */
  private rollBucket(t: number): void {
    if (!Number.isFinite(t)) return;
    const events = this.stats.events;
    while (this.counts.length < this.bucket) this.counts.push(0);
    this.counts[this.bucket] = (this.counts[this.bucket] ?? 0) + events - this.bucketStartEvents;
    this.bucketStartEvents = events;
    while (Math.floor(t / this.bucketMs) >= BUCKETS) {
      const merged: number[] = [];
      for (let i = 0; i < this.counts.length; i += 2) merged.push((this.counts[i] ?? 0) + (this.counts[i + 1] ?? 0));
      this.counts = merged;
      this.bucketMs *= 2;
    }
    this.bucket = Math.floor(t / this.bucketMs);
    // The current bucket may have been merged into an earlier one; its events then count there.
    if (this.counts.length > this.bucket) {
      this.bucketStartEvents -= this.counts[this.bucket] ?? 0;
      this.counts.length = this.bucket;
    }
    this.bucketEnd = (this.bucket + 1) * this.bucketMs;
  }
}
