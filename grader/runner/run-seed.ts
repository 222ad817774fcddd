/**
 * Runs one test on one seed, in whatever process calls it (a worker in a grading run, the test
 * process in the repo's own tests). Turns every way a run can end into a `SeedResult`.
 */
import fc from "fast-check";
import { SimulationError, Violation, type Where } from "../sim/errors.js";
import { describeFault, type FaultSchedule } from "../sim/faults.js";
import { Simulation } from "../sim/simulation.js";
import { serializeTrace, type TraceEvent } from "../sim/trace.js";
import { searchesStarted } from "../explore/explorer.js";
import type { LabSuite, LabTest, Measure, TestContext } from "./suite.js";
import type { Tripwire } from "./confined-impl.js";
import { explainError } from "./explain-error.js";

export interface SeedResult {
  seed: number;
  passed: boolean;
  /** What went wrong, in the lab's terms (with time and node where known). */
  message?: string;
  time?: number;
  node?: string;
  /** The serialized trace, when one was asked for. */
  trace?: string;
  /** The figures the test measured against their bounds (`TestContext.measure`), in order. */
  figures?: Measure[];
  /** The test ran a schedule-explorer search: its verdict covers every schedule, not only this seed's. */
  searched?: true;
}

export interface RunSeedOptions {
  /** Record and return the trace of the run (of the last simulation the test created). */
  trace?: boolean;
  /** Folder of the implementation, so stack traces can point into the learner's own files (unconfined runs). */
  implDir?: string;
  /** Where in the learner's files an error was thrown (confined runs, whose stacks only the grader can map). */
  locate?: (error: unknown) => string | undefined;
  /** Verdicts the grader raised into confined lab code: the seed fails with the first even if lab code caught it. */
  tripwire?: Tripwire;
  /** Detector for promises created by lab code (the runner supplies one; see promise-watch.ts). */
  watchPromises?: (onPromise: () => void) => () => void;
  /** Most scenario re-runs spent shrinking a failing fault schedule. */
  shrinkBudget?: number;
  /**
   * Asked every few hundred simulated events; a reason (a missed wall-clock deadline) stops the run
   * and fails the seed with that reason and what the simulation was doing (see SimulationOptions).
   */
  interrupt?: () => string | null;
}

export function runSeed<Impl>(
  suite: LabSuite<Impl>,
  test: LabTest<Impl>,
  impl: Impl,
  seed: number,
  options: RunSeedOptions = {},
): SeedResult {
  let events: TraceEvent[] = [];
  let lastSim: Simulation | null = null;
  let faults: FaultSchedule | undefined;
  // The simulation an interrupt stopped: that verdict stands even if test code caught the error.
  let stopped: Simulation | null = null;
  const interrupt = options.interrupt;
  const figures: Measure[] = [];
  const searchesBefore = searchesStarted();

  const t: TestContext = {
    seed,
    simulation(simOptions = {}) {
      const sim: Simulation = new Simulation({
        ...simOptions,
        seed,
        ...(options.watchPromises ? { watchPromises: options.watchPromises } : {}),
        ...(interrupt
          ? {
              interrupt: () => {
                const reason = interrupt();
                if (reason !== null) stopped = sim;
                return reason;
              },
            }
          : {}),
      });
      lastSim = sim;
      events = [];
      if (options.trace) {
        const sink = events;
        sim.listen((e) => sink.push(e));
      }
      return sim;
    },
    fail(message: string, where: Where = {}): never {
      throw new Violation(message, { time: where.time ?? lastSim?.now, ...(where.node ? { node: where.node } : {}) });
    },
    withGeneratedFaults(arbitrary, scenario) {
      const first = fc.sample(arbitrary, { seed, numRuns: 1 })[0] as FaultSchedule;
      const failure = attempt(() => scenario(first));
      if (failure === null) return;
      // Out of time: shrinking would only re-run into the same deadline.
      if (stopped !== null) throw failure;
      const smallest = shrink(arbitrary, scenario, seed, options.shrinkBudget ?? 150, () => stopped !== null) ?? first;
      if (stopped !== null) throw (stopped as Simulation).interrupted;
      faults = smallest;
      const again = attempt(() => scenario(smallest));
      const error = again ?? failure;
      const schedule = smallest.length === 0 ? "  (no faults at all)" : smallest.map((f) => `  ${describeFault(f)}`).join("\n");
      const shrunk = smallest.length < first.length ? ` (shrunk from ${first.length} faults)` : "";
      throw annotate(error, `\nFault schedule that still fails${shrunk}:\n${schedule}`);
    },
    measure(name, value, bound) {
      // A figure is a finite number (JSON has no Infinity): a suite with nothing to measure records
      // a count instead, such as the nodes left undecided against at most 0.
      if (!Number.isFinite(value)) throw new Error(`the suite measured ${JSON.stringify(name)} as ${value}: figures must be finite numbers`);
      figures.push({ name: String(name), value: Number(value), bound: { ...bound } });
    },
  };

  let result: SeedResult;
  try {
    test.run(impl, t);
    // The test saw no failure, but lab code caught one the grader raised: it stands all the same.
    const tripped = options.tripwire?.first;
    if (tripped) throw placed(tripped.error, tripped.where);
    if (stopped !== null) throw (stopped as Simulation).interrupted;
    result = { seed, passed: true };
  } catch (caught) {
    const error = (stopped as Simulation | null)?.interrupted ?? caught;
    const explained = explainError(error, { ...(options.implDir ? { implDir: options.implDir } : {}), ...(options.locate ? { locate: options.locate } : {}) });
    result = { seed, passed: false, message: explained.message };
    if (explained.time !== undefined) result.time = explained.time;
    if (explained.node !== undefined) result.node = explained.node;
  }
  if (figures.length > 0) result.figures = figures;
  if (searchesStarted() > searchesBefore) result.searched = true;
  if (options.trace) {
    const header = {
      format: "ds-course-trace" as const,
      version: 1 as const,
      lab: suite.lab,
      test: test.id,
      seed,
      nodes: (lastSim as Simulation | null)?.nodeIds ?? [],
      ...(result.passed ? {} : { failure: { message: result.message ?? "", time: result.time, node: result.node } }),
      ...(faults ? { faults: faults as never } : {}),
      ...((lastSim as Simulation | null)?.choices.length ? { choices: (lastSim as unknown as Simulation).choices } : {}),
    };
    result.trace = serializeTrace(header, events);
  }
  return result;
}

/** A verdict raised on a node's behalf without a time gets the time and node, as a handler's would. */
function placed(error: unknown, where: Where): unknown {
  if (!(error instanceof SimulationError) || error.time !== undefined || where.time === undefined) return error;
  const Kind = error.constructor as typeof SimulationError;
  return new Kind(`${where.node ? `${where.node} at ` : ""}t=${where.time}ms: ${error.message}`, where, { cause: error.cause });
}

function attempt(fn: () => void): unknown {
  try {
    fn();
    return null;
  } catch (error) {
    return error ?? new Error("threw undefined");
  }
}

/** Asks fast-check for the smallest schedule that still fails, within a budget of re-runs. */
function shrink(
  arbitrary: fc.Arbitrary<FaultSchedule>,
  scenario: (schedule: FaultSchedule) => void,
  seed: number,
  budget: number,
  outOfTime: () => boolean,
): FaultSchedule | undefined {
  let runs = 0;
  const outcome = fc.check(
    fc.property(arbitrary, (schedule) => {
      // Past the budget (or the deadline), report "passes" so that fast-check stops shrinking where it is.
      if (++runs > budget || outOfTime()) return true;
      return attempt(() => scenario(schedule)) === null;
    }),
    { seed, numRuns: 1 },
  );
  return outcome.counterexample?.[0];
}

function annotate(error: unknown, extra: string): unknown {
  if (error instanceof SimulationError) {
    const copy = new (error.constructor as typeof SimulationError)(error.message + extra, {
      ...(error.time !== undefined ? { time: error.time } : {}),
      ...(error.node !== undefined ? { node: error.node } : {}),
    }, { cause: error.cause });
    return copy;
  }
  if (error instanceof Error) {
    error.message += extra;
    return error;
  }
  return new Error(String(error) + extra);
}
