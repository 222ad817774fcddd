/**
 * Confined lab code, in a grading worker. The worker locks its JavaScript realm down with SES
 * (`lockdown()`: every shared intrinsic such as Array.prototype or JSON frozen, Function constructors
 * of shared prototypes made powerless, error stacks hidden), then evaluates the lab's bundle (see
 * bundle.ts) once, as a function, inside a Compartment whose global object is frozen and holds nothing
 * but the language's own objects.
 *
 * Each call of that function is a fresh instance of all of the lab's modules, with its own globals:
 * one per node incarnation (so module-level variables are that node's alone, and a restart starts from
 * nothing but what was synced to storage) and one for the test's own calls (clocks, CRDT classes). Its
 * `Date`, `Math.random` and `performance.now` read the node's virtual clock and seeded generator,
 * `console` writes to the trace as the node's log, and real timers refuse with an explanation. There
 * is no `process`, `require`, file system, network or wall clock to reach: the simulator, checkers,
 * hidden tests and the channel that reports results live outside, in the start compartment.
 */
import "ses";
import { SourceMap } from "node:module";
import { DeterminismError } from "../sim/errors.js";
import type { LabBundle } from "./bundle.js";

/** What one instance of the lab's modules sees besides the language itself. */
export interface InstanceWorld {
  /** The virtual clock reading of the node (or the test). */
  now(): number;
  /** The node's seeded generator (or the test's). */
  random(): number;
  /** The first use of Math.random, Date or performance.now, for a note in the trace. */
  redirected(what: string): void;
  /** A console line from lab code. */
  print(line: string): void;
  /** Raises a refusal (a real timer) as a verdict: through the seed's tripwire, so catching it does not help. */
  refuse(error: DeterminismError): never;
}

/** Locks the realm down. Call once, after the grader's own modules have loaded, before any lab code. */
export function lockDownRealm(): void {
  lockdown({
    // Stacks are hidden from every compartment, the start one included; the grader reads them
    // through getStackString, which only the start compartment has.
    errorTaming: "safe",
    stackFiltering: "verbose",
    consoleTaming: "unsafe",
    errorTrapping: "none",
    unhandledRejectionTrapping: "none",
    reporting: "none",
    // "min", not the default "moderate": moderate turns Array.prototype[Symbol.iterator] and others into
    // accessors, which takes V8 off its fast paths for spread, for-of and Array.from (about 10x slower).
    overrideTaming: "min",
    localeTaming: "safe",
    regExpTaming: "safe",
  });
}

/** Globals an instance gets that shadow the template compartment's (see instantiate). */
const INSTANCE_GLOBALS = [
  "globalThis",
  "Math",
  "Date",
  "performance",
  "console",
  "setTimeout",
  "setInterval",
  "setImmediate",
  "queueMicrotask",
  "clearTimeout",
  "clearInterval",
  "clearImmediate",
  "process",
  "Compartment",
  "lockdown",
  "repairIntrinsics",
  "hardenIntrinsics",
] as const;

const REFUSED_TIMERS: Record<string, string> = {
  setTimeout: "ctx.setTimer(delayMs, payload)",
  setInterval: "ctx.setTimer (set the next one from onTimer)",
  setImmediate: "ctx.setTimer(0, payload)",
  queueMicrotask: "plain synchronous code, or ctx.setTimer(0, payload)",
  clearTimeout: "ctx.cancelTimer(timer)",
  clearInterval: "ctx.cancelTimer(timer)",
  clearImmediate: "ctx.cancelTimer(timer)",
};

/** Lines the template adds before the bundle's first line (the source map counts from the bundle). */
const PREFIX_LINES = 1;
const BUNDLE_URL = "lab-bundle:///index.js";

/** A lab bundle evaluated once in a frozen compartment, ready to be instantiated per node. */
export class ConfinedLab {
  private readonly template: (...args: unknown[]) => Record<string, unknown>;
  private readonly shared: Record<string, unknown>;
  private readonly sourceMap: SourceMap | null;
  /**
   * The instance globals the bundle's text names. Code can only name a variable it spells out (what it
   * reaches through Function or eval is the template compartment's frozen global), so the others need
   * not be made for every instance; `globalThis` needs them all.
   */
  private readonly names: readonly InstanceGlobal[];

  constructor(readonly bundle: LabBundle) {
    const compartment = new Compartment({ __options__: true });
    harden(compartment.globalThis);
    this.shared = compartment.globalThis;
    const named = INSTANCE_GLOBALS.filter((name) => new RegExp(`\\b${name}\\b`).test(bundle.code));
    this.names = named.includes("globalThis") ? INSTANCE_GLOBALS : named;
    const source =
      `(function (${this.names.join(", ")}) { "use strict";\n${bundle.code}})\n//# sourceURL=${BUNDLE_URL}\n`;
    this.template = compartment.evaluate(source, { __rejectSomeDirectEvalExpressions__: false });
    let map: SourceMap | null = null;
    try {
      map = new SourceMap(JSON.parse(bundle.map));
    } catch {
      // Without a map, failures still say what went wrong, only not on which line.
    }
    this.sourceMap = map;
  }

  /** A fresh instance of the lab's modules (their top-level code runs now) and its exports. */
  instantiate(world: InstanceWorld): Record<string, unknown> {
    const names = this.names;
    if (names.length === 0) return this.template();
    const globals = instanceGlobals(this.shared, world, names);
    const values: unknown[] = new Array(names.length);
    for (let i = 0; i < names.length; i++) values[i] = globals[names[i] as InstanceGlobal];
    return this.template(...values);
  }

  /**
   * The learner's file and line where `error` was thrown (the first frame in lab code), as
   * "path:line:column", or undefined.
   */
  locate(error: unknown): string | undefined {
    if (!(error instanceof Error) || this.sourceMap === null) return undefined;
    const stack = getStackString(error);
    for (const line of stack.split("\n")) {
      const match = /lab-bundle:\/\/\/index\.js:(\d+):(\d+)\)?\s*$/.exec(line);
      if (!match) continue;
      const entry = this.sourceMap.findEntry(Number(match[1]) - 1 - PREFIX_LINES, Number(match[2]) - 1) as {
        originalSource?: string;
        originalLine?: number;
        originalColumn?: number;
      };
      if (entry.originalSource === undefined || entry.originalLine === undefined) continue;
      // Frames in the grader's own files (a copy bundled because the lab imports them) are not the learner's.
      if (/(^|\/)grader\//.test(entry.originalSource) || /(^|\/)node_modules\//.test(entry.originalSource)) continue;
      return `${entry.originalSource.replace(/^file:\/\//, "")}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
    }
    return undefined;
  }
}

type InstanceGlobal = (typeof INSTANCE_GLOBALS)[number];

/**
 * The shadowing globals of one instance (those in `names`): its own globalThis, clock, randomness and
 * console. Each is frozen one by one rather than with harden(): what they reach besides (the shared
 * intrinsics, the template's global) is hardened already, and harden's walk costs more than the instance.
 */
function instanceGlobals(shared: Record<string, unknown>, world: InstanceWorld, names: readonly InstanceGlobal[]): Record<string, unknown> {
  const globals: Record<string, unknown> = {};
  const all = names.includes("globalThis");
  // Made only if the bundle names Date or performance. (Closures passed straight to a call, not bound
  // to a name: the grader runs under tsx, whose keepNames wraps every named closure it makes.)
  const now =
    all || names.includes("Date") || names.includes("performance")
      ? Object.freeze(() => {
          world.redirected("the wall clock (Date/performance.now)");
          return world.now();
        })
      : () => 0;
  for (const name of names) {
    switch (name) {
      case "Math":
        globals.Math = instanceMath(shared.Math as Math, world);
        break;
      case "Date":
        globals.Date = Object.freeze(virtualDate(now));
        break;
      case "performance":
        globals.performance = Object.freeze({ now });
        break;
      case "console":
        globals.console = instanceConsole(world);
        break;
      case "globalThis":
        break;
      case "process":
        globals.process = processStandIn(world);
        break;
      default:
        if (name in REFUSED_TIMERS) {
          const instead = REFUSED_TIMERS[name];
          globals[name] = Object.freeze(() =>
            world.refuse(new DeterminismError(`${name} is not available inside the simulation: real timers would make runs unrepeatable. Use ${instead} instead.`)),
          );
        } else {
          globals[name] = undefined;
        }
    }
  }
  if (all) {
    const self: Record<string, unknown> = Object.create(shared);
    for (const [name, value] of Object.entries(globals)) Object.defineProperty(self, name, { value, enumerable: false });
    Object.defineProperty(self, "globalThis", { value: self, enumerable: false });
    globals.globalThis = Object.freeze(self);
  }
  return globals;
}

/** The instance's Math: the shared one, but its random() is the world's seeded generator. */
function instanceMath(shared: Math, world: InstanceWorld): Math {
  const math = Object.create(shared) as Math;
  // Like the real Math's methods: not writable, enumerable or configurable (freeze does the rest).
  Object.defineProperty(math, "random", {
    value: Object.freeze(() => {
      world.redirected("Math.random()");
      return world.random();
    }),
  });
  return Object.freeze(math);
}

/**
 * What lab code finds for `process`: an empty \`env\` (so a library's NODE_ENV check still works) and,
 * for anything else, a refusal that says why, instead of a bare "undefined".
 */
function processStandIn(world: InstanceWorld): unknown {
  const env = Object.freeze({});
  const refuse = (key: string | symbol): never =>
    world.refuse(
      new DeterminismError(
        `process.${String(key)} is not available: lab code runs confined, with no process, Node modules, file system, network, real timers or wall clock; a node reaches the world only through ctx`,
      ),
    );
  return new Proxy(Object.freeze({}), {
    get(_target, key) {
      if (key === "env") return env;
      if (typeof key === "symbol") return undefined;
      return refuse(key);
    },
    // Replacing a property (the forged-results attack wraps process._send) is refused the same way.
    set: (_target, key) => refuse(key),
    defineProperty: (_target, key) => refuse(key),
    deleteProperty: (_target, key) => refuse(key),
    setPrototypeOf: () => refuse("__proto__"),
  });
}

function instanceConsole(world: InstanceWorld): Console {
  const print =
    (level: string) =>
    (...parts: unknown[]): void =>
      world.print(`${level}${parts.map(show).join(" ")}`);
  const console = {
    log: print(""),
    info: print(""),
    debug: print(""),
    warn: print("warn: "),
    error: print("error: "),
    trace: print("trace: "),
    dir: print(""),
    table: print(""),
  };
  for (const method of Object.values(console)) Object.freeze(method);
  return Object.freeze(console) as unknown as Console;
}

/** A Date whose current time is the virtual clock; every other use is the ordinary Date's. */
function virtualDate(now: () => number): DateConstructor {
  const RealDate = Date;
  function VirtualDate(this: unknown, ...args: unknown[]): unknown {
    if (new.target === undefined) return new RealDate(now()).toString();
    return Reflect.construct(RealDate, args.length === 0 ? [now()] : args, new.target);
  }
  Object.defineProperties(VirtualDate, {
    prototype: { value: RealDate.prototype },
    now: { value: now },
    parse: { value: RealDate.parse },
    UTC: { value: RealDate.UTC },
  });
  return VirtualDate as unknown as DateConstructor;
}

function show(part: unknown): string {
  if (typeof part === "string") return part;
  try {
    return JSON.stringify(part) ?? String(part);
  } catch {
    return String(part);
  }
}

declare global {
  /** The start compartment's way to read an error's stack once SES hides `error.stack`. */
  function getStackString(error: Error): string;
}
