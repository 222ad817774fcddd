/**
 * Turning an explorer's findings into a test failure a learner can act on: the violation in the
 * lab's terms, then the schedule that leads to it, step by step, and the search's figures.
 */
import { SimulationError } from "../sim/errors.js";
import type { Simulation } from "../sim/simulation.js";
import { depthOf, replay, type ExploreOptions, type ExploreResult, type Step } from "./explorer.js";

/** "  1. deliver p1 -> a1 {...}" per step. */
export function formatSchedule(steps: readonly Step[], from = 1): string {
  return steps.map((s, i) => `  ${String(i + from).padStart(2)}. ${s.what}`).join("\n");
}

/** States, schedules and depth (never wall-clock time: this goes into messages and traces). */
export function searchFigures(result: ExploreResult, maxDepth: number): string {
  return `${result.states.toLocaleString("en-US")} distinct states, ${result.transitions.toLocaleString("en-US")} schedules run, depth ${result.depth} of ${maxDepth}`;
}

/**
 * Replays the violating schedule in a fresh world (so a trace shows exactly it) and returns the
 * error it throws, with the schedule appended. If it does not fail again, the implementation is not
 * deterministic, and the returned error says so.
 */
export function violationError(setUp: ExploreOptions["setUp"], result: ExploreResult, maxDepth: number): Error {
  const violation = result.violation;
  if (violation === undefined) throw new Error("violationError needs a result with a violation");
  let error: unknown;
  try {
    replay(setUp, violation.schedule);
  } catch (e) {
    error = e;
  }
  const steps = violation.schedule.length;
  const choices = depthOf(violation.schedule);
  const scripted = steps === choices ? "" : `, ${steps - choices} of them the test's own script`;
  const extra =
    `\nThe schedule explorer found this after ${searchFigures(result, maxDepth)}. ` +
    `The shortest schedule it found (${steps} step${steps === 1 ? "" : "s"}${scripted}; every other pending event simply waits):\n${formatSchedule(violation.schedule)}`;
  if (error === undefined) {
    return new SimulationError(
      `a schedule failed during the search but passed when replayed: your nodes must keep all their state in the objects the factory returns (no module-level variables) and use only ctx.random() for randomness.${extra}`,
    );
  }
  if (error instanceof SimulationError) {
    return new (error.constructor as typeof SimulationError)(error.message + extra, {
      ...(error.time !== undefined ? { time: error.time } : {}),
      ...(error.node !== undefined ? { node: error.node } : {}),
    }, { cause: error.cause });
  }
  return error instanceof Error ? Object.assign(error, { message: error.message + extra }) : new Error(String(error) + extra);
}

/** Runs one ordinary schedule (always the earliest event) and notes the search's figures in its trace. */
export function noteSearch(setUp: ExploreOptions["setUp"], text: string): Simulation {
  const sim = setUp(() => 0);
  sim.note(text);
  sim.run();
  return sim;
}
