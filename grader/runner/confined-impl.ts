/**
 * The implementation object a suite grades, when the lab runs confined (see confinement.ts): it has
 * the lab's exports, but each call is routed to the right instance of the lab's modules. A call whose
 * first argument is a node's context (a node factory, called by the simulation as the node starts or
 * restarts) gets a fresh instance for that incarnation; any other call (a clock, a CRDT, made by the
 * test itself) goes to the seed's one test instance.
 *
 * Lab code sees only stand-ins of what the grader hands it (guest-values.ts), and a tripwire
 * remembers any verdict the grader raised into lab code, so catching one does not make it go away.
 */
import type { DurableStorage, Json, NodeContext } from "../sim/api.js";
import { DeterminismError, OutputFlood, SimulationError, type Where } from "../sim/errors.js";
import { LOG_LIMIT_BYTES } from "../sim/simulation.js";
import { addHandedInCheck } from "../sim/handed-in.js";
import { Context } from "../sim/node-context.js";
import { Random } from "../sim/random.js";
import type { ConfinedLab, InstanceWorld } from "./confinement.js";
import { guestArguments } from "./guest-values.js";

/** A verdict the grader raised into lab code: it stands even if lab code caught it. */
export interface Tripped {
  error: unknown;
  where: Where;
}

/** Where a verdict happened: a node's context (its node and virtual time), or OUTSIDE a node. */
export interface Locator {
  where(): Where;
}

/** The test's own calls into lab code happen outside any node. */
export const OUTSIDE: Locator = Object.freeze({ where: () => ({}) });

/** Remembers the first verdict (a SimulationError, or a stack overflow inside grader code) raised into lab code. */
export class Tripwire {
  private tripped: Tripped | null = null;

  get first(): Tripped | null {
    return this.tripped;
  }

  /** Runs grader code on lab code's behalf. Errors go back to lab code frozen, and verdicts are kept. */
  call<T>(at: Locator, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw this.caught(error, at);
    }
  }

  /** An error grader code raised into lab code: kept if it is a verdict, frozen, and returned to be thrown. */
  caught(error: unknown, at: Locator): unknown {
    // A stack overflow may have left grader state half-updated: the run cannot be trusted past it.
    const verdict = error instanceof SimulationError || (error instanceof RangeError && /call stack/i.test(error.message));
    if (verdict && this.tripped === null) this.tripped = { error, where: at.where() };
    if (typeof error === "object" && error !== null) harden(error);
    return error;
  }
}

/** One seed's view of a confined lab. */
export interface SeedImplementation {
  impl: unknown;
  tripwire: Tripwire;
}

export interface SeedOptions {
  seed: number;
  /** The lab's exports and their kinds (LabSuite.exports). */
  exports: Record<string, "function" | "class">;
  /** Also shows lab code's console lines here (the learner's own terminal), besides the trace. */
  echo?: (line: string) => void;
}

interface Incarnation {
  exports: Record<string, unknown>;
  ctx: GuestContext;
  /** Whose incarnation this is: the seed's tripwire stands for its implementation. */
  tripwire: Tripwire;
}

/** A base whose constructor returns its argument, so a subclass's private field lands on that object. */
class Stamp {
  constructor(target: object) {
    return target;
  }
}

/**
 * A node incarnation's instance, kept in a private field on its context: a WeakMap entry per
 * incarnation (tens of thousands in an explorer test) costs the garbage collector far more. Only this
 * module can read the field; lab code never sees the Context itself, only its GuestContext.
 */
class IncarnationSlot extends Stamp {
  #incarnation: Incarnation;
  private constructor(ctx: Context, incarnation: Incarnation) {
    super(ctx);
    this.#incarnation = incarnation;
  }
  static of(ctx: Context): Incarnation | undefined {
    return #incarnation in ctx ? (ctx as unknown as IncarnationSlot).#incarnation : undefined;
  }
  /** Only for a context without a slot yet (a second private field of the same name would throw). */
  static keep(ctx: Context, incarnation: Incarnation): void {
    new IncarnationSlot(ctx, incarnation);
  }
}

export function confinedImplementation(lab: ConfinedLab, options: SeedOptions): SeedImplementation {
  const tripwire = new Tripwire();
  // Incarnations usually sit in a slot on their context (see IncarnationSlot); this map holds those of
  // a context whose slot another seed's implementation took first.
  const incarnations = new WeakMap<Context, Incarnation>();
  const outside = OUTSIDE;
  let testInstance: Record<string, unknown> | null = null;
  let logged = 0;

  const forTest = (): Record<string, unknown> => {
    if (testInstance !== null) return testInstance;
    const rng = new Random(options.seed, "lab-code:test");
    testInstance = lab.instantiate({
      now: () => 0,
      random: () => rng.next(),
      redirected: () => {},
      print: (line) => {
        // The test's own calls have no node to log for, but the same cap as a node's log applies.
        logged += line.length + 1;
        if (logged > LOG_LIMIT_BYTES) {
          throw tripwire.caught(new OutputFlood(`lab code logged more than ${LOG_LIMIT_BYTES / 1024 / 1024} MB in one run (console, outside any node): log less`), outside);
        }
        options.echo?.(line);
      },
      refuse: (error) => tripwire.call(outside, () => {
        throw error;
      }),
    });
    return testInstance;
  };

  const forNode = (ctx: Context): Incarnation => {
    const slot = IncarnationSlot.of(ctx);
    if (slot !== undefined && slot.tripwire === tripwire) return slot;
    const known = incarnations.get(ctx);
    if (known !== undefined) return known;
    const incarnation: Incarnation = { exports: lab.instantiate(new NodeWorld(ctx, tripwire, options.echo)), ctx: new GuestContext(ctx, tripwire), tripwire };
    if (slot === undefined && Object.isExtensible(ctx)) IncarnationSlot.keep(ctx, incarnation);
    else incarnations.set(ctx, incarnation);
    return incarnation;
  };

  const impl: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(options.exports)) {
    if (kind === "class") {
      impl[name] = function ConfinedClass(...args: unknown[]): unknown {
        const Class = forTest()[name] as new (...a: unknown[]) => unknown;
        return Reflect.construct(Class, guestArguments(args, 0, tripwire, outside));
      };
    } else {
      impl[name] = function confinedFunction(...args: unknown[]): unknown {
        const first = args[0];
        if (first instanceof Context) {
          const node = forNode(first);
          const guest = guestArguments(args, 1, tripwire, first);
          guest[0] = node.ctx;
          return (node.exports[name] as (...a: unknown[]) => unknown)(...guest);
        }
        return (forTest()[name] as (...a: unknown[]) => unknown)(...guestArguments(args, 0, tripwire, outside));
      };
    }
  }
  return { impl, tripwire };
}

/**
 * The node's context as lab code sees it: only the node API, every call through the tripwire. Its
 * fields are private (#), so lab code cannot reach the simulation behind it.
 */
class GuestContext implements NodeContext {
  readonly id: string;
  readonly peers: readonly string[];
  readonly storage: GuestStorage;
  readonly #ctx: Context;
  readonly #tripwire: Tripwire;
  constructor(ctx: Context, tripwire: Tripwire) {
    this.#ctx = ctx;
    this.#tripwire = tripwire;
    this.id = ctx.id;
    this.peers = Object.freeze([...ctx.peers]);
    this.storage = new GuestStorage(ctx, tripwire);
    Object.freeze(this);
  }
  /** True only for a GuestContext the grader made (an object with its prototype is not one). */
  static made(value: object): boolean {
    return #ctx in value;
  }
  /** Hands an error grader code raised back to lab code, through the tripwire. */
  #raise(error: unknown): unknown {
    return this.#tripwire.caught(error, this.#ctx);
  }
  now(): number {
    return this.#ctx.now();
  }
  send(to: unknown, msg: unknown): void {
    try {
      this.#ctx.send(key(to), msg as Json);
    } catch (error) {
      throw this.#raise(error);
    }
  }
  setTimer(delayMs: unknown, payload?: unknown): number {
    try {
      return this.#ctx.setTimer(num(delayMs), payload as Json);
    } catch (error) {
      throw this.#raise(error);
    }
  }
  cancelTimer(timer: unknown): void {
    try {
      this.#ctx.cancelTimer(num(timer));
    } catch (error) {
      throw this.#raise(error);
    }
  }
  random(): number {
    return this.#ctx.random();
  }
  log(...parts: unknown[]): void {
    try {
      this.#ctx.log(...parts);
    } catch (error) {
      throw this.#raise(error);
    }
  }
}

/** The node's storage as lab code sees it (see GuestContext). */
class GuestStorage implements DurableStorage {
  readonly #ctx: Context;
  readonly #tripwire: Tripwire;
  constructor(ctx: Context, tripwire: Tripwire) {
    this.#ctx = ctx;
    this.#tripwire = tripwire;
    Object.freeze(this);
  }
  static made(value: object): boolean {
    return #ctx in value;
  }
  #raise(error: unknown): unknown {
    return this.#tripwire.caught(error, this.#ctx);
  }
  get(k: unknown): Json | undefined {
    return this.#ctx.storage.get(key(k));
  }
  set(k: unknown, value: unknown): void {
    try {
      this.#ctx.storage.set(key(k), value as Json);
    } catch (error) {
      throw this.#raise(error);
    }
  }
  delete(k: unknown): void {
    try {
      this.#ctx.storage.delete(key(k));
    } catch (error) {
      throw this.#raise(error);
    }
  }
  keys(): string[] {
    return this.#ctx.storage.keys();
  }
  sync(): void {
    try {
      this.#ctx.storage.sync();
    } catch (error) {
      throw this.#raise(error);
    }
  }
}
for (const Class of [GuestContext, GuestStorage]) Object.freeze(Object.freeze(Class).prototype);
// Brand checks rather than a WeakSet entry per incarnation: cheaper, and just as unforgeable.
addHandedInCheck((value) => GuestContext.made(value) || GuestStorage.made(value));

/** What one node incarnation's instance of the lab's modules sees (confinement.ts). */
class NodeWorld implements InstanceWorld {
  constructor(
    private readonly ctx: Context,
    private readonly tripwire: Tripwire,
    private readonly echo: ((line: string) => void) | undefined,
  ) {}
  now(): number {
    return this.ctx.now();
  }
  random(): number {
    return this.ctx.random();
  }
  redirected(what: string): void {
    this.ctx.redirected(what);
  }
  print(line: string): void {
    this.tripwire.call(this.ctx, () => this.ctx.log(line));
    this.echo?.(`[${this.ctx.id} t=${this.ctx.where().time}ms] ${line}`);
  }
  refuse(error: DeterminismError): never {
    return this.tripwire.call(this.ctx, () => {
      throw error;
    });
  }
}

// Primitive arguments pass as they are; anything else becomes a string or number once, here, so an
// object's valueOf cannot answer one thing to a check and another to the use that follows.
function key(k: unknown): string {
  return typeof k === "object" || typeof k === "function" ? String(k) : (k as string);
}
function num(n: unknown): number {
  return typeof n === "object" || typeof n === "function" ? Number(n) : (n as number);
}
