/**
 * What a lab's suite is: tests with points, each run over several seeds. A test is a function of
 * (implementation, seed) that either returns or throws; it passes only if every seed passes.
 */
import type { Simulation, SimulationOptions } from "../sim/simulation.js";
import type { Where } from "../sim/errors.js";
import type { FaultSchedule } from "../sim/faults.js";
import type { Arbitrary } from "fast-check";

export interface LabSuite<Impl = unknown> {
  /** Folder name under labs/, e.g. "01-fallacies". */
  lab: string;
  unit: number;
  title: string;
  /** Part letter to title, e.g. { A: "Lamport and vector clocks" }. */
  parts: Record<string, string>;
  /** Exports the implementation's index.ts must provide, with their kind, for clear load errors. */
  exports: Record<string, "function" | "class">;
  tests: LabTest<Impl>[];
}

export interface LabTest<Impl = unknown> {
  /** Stable, kebab-case; used with --only and in replay commands. */
  id: string;
  part: string;
  /** What the test checks, in the lab's terms. */
  name: string;
  points: number;
  /** Seeds in a practice run (default 5). */
  seeds?: number;
  run(impl: Impl, t: TestContext): void;
}

export interface TestContext {
  readonly seed: number;
  /** Creates the run's simulation (wired for tracing and promise detection). */
  simulation(options?: Omit<SimulationOptions, "seed" | "watchPromises">): Simulation;
  /** Fails the test with a message in the lab's terms. */
  fail(message: string, where?: Where): never;
  /**
   * Runs `scenario` with a fault schedule generated from the seed. If it fails, the schedule is
   * shrunk to a smaller one that still fails, the scenario re-runs on it (so the trace shows the
   * small case), and the failure is reported with the schedule.
   */
  withGeneratedFaults(faults: Arbitrary<FaultSchedule>, scenario: (schedule: FaultSchedule) => void): void;
}
