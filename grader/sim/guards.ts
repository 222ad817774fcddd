/**
 * Determinism guards, for lab code run unconfined (the repo's own tests, which import the reference and
 * bug-zoo variants directly). While lab code can run, the globals that would let it escape the simulation
 * are replaced: `Math.random` and the wall clock are redirected to the run's seeded generator and
 * virtual clock; real timers are refused with an error that says what to use instead.
 *
 * The run is synchronous, so nothing else in the process runs while the guards are in place.
 */
import { DeterminismError } from "./errors.js";

export interface GuardEnvironment {
  /** The seeded generator of the node that is running, or the run's own. */
  random(): number;
  /** The virtual clock reading of the node that is running, or the run's time. */
  now(): number;
  /** Called the first time lab code uses Math.random or the wall clock, for a note in the trace. */
  redirected(what: string): void;
  /** Where a refused call happened. */
  where(): { time: number; node?: string };
}

type Saved = { target: object; key: string; value: unknown; had: boolean };

const REFUSED_TIMERS: Record<string, string> = {
  setTimeout: "ctx.setTimer(delayMs, payload)",
  setInterval: "ctx.setTimer (set the next one from onTimer)",
  setImmediate: "ctx.setTimer(0, payload)",
  queueMicrotask: "plain synchronous code, or ctx.setTimer(0, payload)",
};

/**
 * Installs the guards and returns a function that restores the real globals. Where the realm's
 * intrinsics are frozen, it does nothing: that is a grading worker, which runs lab code confined, with
 * a Date, Math and timers of its own (see grader/runner/confinement.ts), so there is nothing to redirect.
 */
export function installGuards(env: GuardEnvironment): () => void {
  if (Object.isFrozen(Math)) return () => {};
  const saved: Saved[] = [];
  const replace = (target: object, key: string, value: unknown) => {
    const had = Object.prototype.hasOwnProperty.call(target, key);
    saved.push({ target, key, value: (target as Record<string, unknown>)[key], had });
    Object.defineProperty(target, key, { value, writable: true, configurable: true });
  };

  replace(Math, "random", () => {
    env.redirected("Math.random()");
    return env.random();
  });

  const RealDate = Date;
  const virtualNow = () => {
    env.redirected("the wall clock (Date/performance.now)");
    return env.now();
  };
  class SimDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(virtualNow());
      else super(...(args as [string]));
    }
    static override now(): number {
      return virtualNow();
    }
  }
  replace(globalThis, "Date", SimDate);
  if (typeof performance !== "undefined") replace(performance, "now", virtualNow);

  for (const [name, instead] of Object.entries(REFUSED_TIMERS)) {
    if (!(name in globalThis)) continue;
    replace(globalThis, name, () => {
      throw new DeterminismError(
        `${name} is not available inside the simulation: real timers would make runs unrepeatable. Use ${instead} instead.`,
        env.where(),
      );
    });
  }
  const proc = (globalThis as { process?: object }).process;
  if (proc && "nextTick" in proc) {
    replace(proc, "nextTick", () => {
      throw new DeterminismError(
        "process.nextTick is not available inside the simulation. Use ctx.setTimer(0, payload) instead.",
        env.where(),
      );
    });
  }

  return () => {
    for (const s of saved.reverse()) {
      if (s.had) Object.defineProperty(s.target, s.key, { value: s.value, writable: true, configurable: true });
      else delete (s.target as Record<string, unknown>)[s.key];
    }
  };
}
