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
  /**
   * Where the lab's handout states what this test enforces. Required for instructor-only tests (the
   * schedule is hidden, never the rule): the repo's tests check that the handout has this section and
   * that each phrase in `states` appears in it.
   */
  handout?: HandoutStatement;
  run(impl: Impl, t: TestContext): void;
}

/** A guarantee and its bounds as the handout (`labs/<lab>/README.md`) words them. */
export interface HandoutStatement {
  /** A heading of the handout, as written after its `#`s (e.g. "Part 5B: log replication (30 points)"). */
  section: string;
  /**
   * Phrases the section must contain, one per guarantee or bound the test enforces: the deadline,
   * the message or byte budget, the kinds of fault it uses (e.g. "within 30 s", "paused"). Matched
   * case-insensitively, with runs of whitespace (and line breaks) counting as one space.
   */
  states: string[];
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
  /**
   * Records a figure the test holds to a bound (messages per operation, a latency, a share of a
   * budget), so that reports can show the margin: `t.measure("messages per broadcast", 2.4, { atMost: 3 })`.
   * It only records; the test still decides, and fails with its own message in the lab's terms.
   */
  measure(name: string, value: number, bound: Bound): void;
}

/** What a measured figure is held to; `unit` is shown after numbers ("ms", "messages"). */
export interface Bound {
  atMost?: number;
  atLeast?: number;
  unit?: string;
}

/** One figure of one seed, as `TestContext.measure` recorded it. */
export interface Measure {
  name: string;
  value: number;
  bound: Bound;
}
