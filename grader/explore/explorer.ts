/**
 * The schedule explorer: model checking for small configurations, by re-execution.
 *
 * A schedule is a list of steps, each a `Chooser` decision (see grader/sim/simulation.ts): run
 * pending event i (deliver a message, fire a timer, make a call), drop or duplicate a pending
 * message, crash or restart a node. Because a simulation driven by a chooser is deterministic, a
 * schedule is also a state: the explorer reaches a state by building a fresh world (`setUp`) and
 * replaying its schedule from the start. No state is ever copied, so lab code needs no support for it.
 *
 * - `explore` searches every schedule up to a depth, breadth-first (the first violation found has
 *   the fewest steps) or depth-first, visiting each canonical state (canonical.ts) once. Invariants
 *   are whatever throws while a schedule runs (checks on app callbacks, `afterEachStep` checks) plus
 *   `invariant`, checked in every state reached.
 * - `findCycle` looks for a livelock: a schedule that comes back to the same state (up to renaming
 *   its numbers) without making progress, and confirms it by replaying the loop several times.
 * - `replay` re-runs a schedule in a fresh world, so a test can show it in a trace.
 *
 * Searches are deterministic: one (setUp, options) pair always visits the same states in the same
 * order. Only `elapsedMs` depends on the machine; keep it out of traces.
 */
import type { NodeId } from "../sim/api.js";
import type { Chooser, ChooserAction, PendingView, Simulation } from "../sim/simulation.js";
import { stateKey } from "./canonical.js";

/** One step of a schedule, with what it did in words (for reports). */
export interface Step {
  choice: number | ChooserAction;
  what: string;
  /** The step fired a timer. */
  timer?: boolean;
  /** The step ran the test's own script (a call into a node, a test action): no choice was made. */
  scripted?: boolean;
}

/**
 * Faults the explorer may inject, each at most this many times per schedule. Restarts of crashed
 * nodes are free. `timers` bounds how many timers may fire (timeouts, retries): each one starts new
 * work, so it is what makes the state space grow fastest; unbounded by default.
 */
export interface ExplorerFaults {
  timers?: number;
  drops?: number;
  duplicates?: number;
  crashes?: number;
  /** Nodes that may crash (and then restart). */
  crashable?: readonly NodeId[];
}

export interface ExploreOptions {
  /**
   * Builds one world: a fresh simulation created with `chooser` (or `afterPrefix(ms, chooser)`),
   * nodes added and started, workload scheduled as `at`/`callAt` events, and invariant checks
   * installed (they throw a `Violation`). Must be deterministic. The workload is the test's own
   * script, not the adversary's: a pending call or action always runs first, in order; the explorer
   * chooses among deliveries, timers and faults.
   */
  setUp(chooser: Chooser): Simulation;
  strategy?: "bfs" | "dfs";
  /** Longest schedule explored, in choices (steps of the test's own script are not counted). */
  maxDepth: number;
  /** Stop (incomplete) after this many distinct states (default 100,000). */
  maxStates?: number;
  faults?: ExplorerFaults;
  /** Checked in every state reached; throws to report a violation. */
  invariant?(sim: Simulation): void;
  /** States for which this is true are not expanded further (e.g. "every node has decided"). */
  prune?(sim: Simulation): boolean;
}

export interface ExploreResult {
  /** True when every state within `maxDepth` was explored and no violation was found. */
  complete: boolean;
  /** Distinct states visited. */
  states: number;
  /** Schedules executed (each one a re-execution from the initial state). */
  transitions: number;
  /** The longest schedule explored. */
  depth: number;
  /** Wall-clock time of the search: machine-dependent, so never put it in a trace. */
  elapsedMs: number;
  /** The shortest violating schedule found, and what it threw. */
  violation?: { schedule: Step[]; error: unknown };
}

interface Reached {
  sim: Simulation | null;
  /** Pending events in the state reached (empty if the run ended by itself). */
  pending: readonly PendingView[];
  error?: unknown;
}

interface Entry {
  schedule: Step[];
  pending: readonly PendingView[];
  down: NodeId[];
}

const STOP: ChooserAction = { stop: true };

/**
 * A chooser for `setUp` that first plays the ordinary schedule (always the earliest event) for every
 * event due before `untilMs`, and only then hands over to `chooser`: the explorer then searches from
 * a state the test scripted (for example "a value has just been chosen"), which reaches deeper
 * situations than a search from the very start could afford.
 */
export function afterPrefix(untilMs: number, chooser: Chooser): Chooser {
  let explorerSteps = 0;
  return (pending) => {
    if (explorerSteps === 0 && pending.length > 0 && (pending[0] as PendingView).time < untilMs) return 0;
    return chooser(pending, explorerSteps++);
  };
}

/** Runs `schedule` from the initial state and stops there. */
function execute(setUp: ExploreOptions["setUp"], schedule: readonly Step[], invariant?: ExploreOptions["invariant"]): Reached {
  let next = 0;
  let pending: readonly PendingView[] = [];
  let sim: Simulation | null = null;
  const chooser: Chooser = (views) => {
    const step = schedule[next++];
    if (step !== undefined) return step.choice;
    pending = views;
    return STOP;
  };
  try {
    sim = setUp(chooser);
    sim.run();
    invariant?.(sim);
    return { sim, pending };
  } catch (error) {
    return { sim, pending, error };
  }
}

/** Re-runs a schedule in a fresh world (the last world built, so a test's trace shows it); throws what it throws. */
export function replay(setUp: ExploreOptions["setUp"], schedule: readonly Step[], invariant?: ExploreOptions["invariant"]): Simulation {
  const reached = execute(setUp, schedule, invariant);
  if (reached.error !== undefined) throw reached.error;
  return reached.sim as Simulation;
}

/** A pending event in words: "deliver p1 -> a2 {...}", "fire p1's timer {...}". */
export function describePending(view: PendingView): string {
  const payload = JSON.stringify(view.payload);
  switch (view.kind) {
    case "deliver":
      return `deliver ${view.from} -> ${view.node} ${payload}`;
    case "timer":
      return `fire ${view.node}'s timer ${payload}`;
    case "call":
      return `${view.node}: ${view.label}`;
    case "action":
      return view.label;
  }
}

/** A schedule's depth: its steps that were choices (the test's own script does not count). */
export function depthOf(schedule: readonly Step[]): number {
  let depth = 0;
  for (const step of schedule) if (!step.scripted) depth++;
  return depth;
}

interface Budget {
  timers: number;
  drops: number;
  duplicates: number;
  crashes: number;
}

function used(schedule: readonly Step[]): Budget {
  const b = { timers: 0, drops: 0, duplicates: 0, crashes: 0 };
  for (const { choice, timer } of schedule) {
    if (timer) b.timers++;
    if (typeof choice === "number") continue;
    if ("drop" in choice) b.drops++;
    else if ("duplicate" in choice) b.duplicates++;
    else if ("crash" in choice) b.crashes++;
  }
  return b;
}

/** Every step possible from a state, in a fixed order: run each event, then the faults. */
function moves(entry: Entry, faults: ExplorerFaults): Step[] {
  // The test's own script (calls into nodes, test actions) is not adversarial: it runs first, in order.
  const scripted = entry.pending.findIndex((view) => view.kind === "call" || view.kind === "action");
  if (scripted >= 0) return [{ choice: scripted, what: describePending(entry.pending[scripted] as PendingView), scripted: true }];
  const b = used(entry.schedule);
  const out: Step[] = [];
  entry.pending.forEach((view, i) => {
    if (view.kind !== "timer") out.push({ choice: i, what: describePending(view) });
    else if (b.timers < (faults.timers ?? Infinity)) out.push({ choice: i, what: describePending(view), timer: true });
  });
  entry.pending.forEach((view, i) => {
    if (view.kind !== "deliver") return;
    const msg = `${view.from} -> ${view.node} ${JSON.stringify(view.payload)}`;
    if (b.drops < (faults.drops ?? 0)) out.push({ choice: { drop: i }, what: `drop ${msg}` });
    if (b.duplicates < (faults.duplicates ?? 0)) out.push({ choice: { duplicate: i }, what: `duplicate ${msg}` });
  });
  for (const node of faults.crashable ?? []) {
    if (entry.down.includes(node)) out.push({ choice: { restart: node }, what: `restart ${node}` });
    else if (b.crashes < (faults.crashes ?? 0)) out.push({ choice: { crash: node }, what: `crash ${node}` });
  }
  return out;
}

function entryOf(schedule: Step[], reached: Reached): Entry {
  const sim = reached.sim as Simulation;
  return { schedule, pending: reached.pending, down: sim.nodeIds.filter((id) => !sim.isUp(id)) };
}

let searches = 0;

/**
 * How many searches (`explore`, `findCycle`) this process has started. The runner compares the count
 * before and after a test: a test that searched tried every schedule within its bounds instead of
 * sampling one per seed, so one run of it is enough (batch grading runs such tests once as well).
 */
export function searchesStarted(): number {
  return searches;
}

/** Searches every schedule up to `maxDepth` steps for one that breaks an invariant. */
export function explore(options: ExploreOptions): ExploreResult {
  searches++;
  const started = performance.now();
  const faults = options.faults ?? {};
  const maxStates = options.maxStates ?? 100_000;
  const result: ExploreResult = { complete: false, states: 0, transitions: 0, depth: 0, elapsedMs: 0 };
  const finish = () => ({ ...result, elapsedMs: Math.round(performance.now() - started) });
  const keyOf = (schedule: Step[], reached: Reached) => {
    const b = used(schedule);
    return stateKey(reached.sim as Simulation, reached.pending, [b.timers, b.drops, b.duplicates, b.crashes]).key;
  };
  /** Executes a schedule; returns its entry if it reaches a new state worth expanding. */
  const visit = (schedule: Step[], isNew: (key: string) => boolean): Entry | null | "violation" | "full" => {
    const reached = execute(options.setUp, schedule, options.invariant);
    result.transitions++;
    if (reached.error !== undefined) {
      if (result.violation === undefined || schedule.length < result.violation.schedule.length) {
        result.violation = { schedule, error: reached.error };
      }
      return "violation";
    }
    if (!isNew(keyOf(schedule, reached))) return null;
    result.states++;
    const depth = depthOf(schedule);
    result.depth = Math.max(result.depth, depth);
    if (result.states >= maxStates) return "full";
    if (depth >= options.maxDepth || options.prune?.(reached.sim as Simulation)) return null;
    return entryOf(schedule, reached);
  };

  if (options.strategy === "dfs") {
    // Depth-bounded DFS: a state is expanded again only if reached by a shorter schedule, so the
    // search is complete within the bound. After a violation, only shorter schedules are tried.
    const best = new Map<string, number>();
    const isNew = (schedule: Step[]) => (key: string) => {
      const seen = best.get(key);
      if (seen !== undefined && seen <= schedule.length) return false;
      best.set(key, schedule.length);
      return true;
    };
    let full = false;
    const dfs = (entry: Entry): void => {
      for (const move of moves(entry, faults)) {
        if (full) return;
        const schedule = [...entry.schedule, move];
        if (result.violation !== undefined && schedule.length >= result.violation.schedule.length) return;
        const child = visit(schedule, isNew(schedule));
        if (child === "full") full = true;
        else if (child !== null && child !== "violation") dfs(child);
      }
    };
    const root = visit([], isNew([]));
    if (root === "violation") return finish();
    if (root !== null && root !== "full") dfs(root);
    result.complete = !full && result.violation === undefined;
    return finish();
  }

  const seen = new Set<string>();
  const isNew = (key: string) => !seen.has(key) && (seen.add(key), true);
  const root = visit([], isNew);
  if (root === "violation") return finish();
  let frontier: Entry[] = root !== null && root !== "full" ? [root] : [];
  while (frontier.length > 0) {
    const next: Entry[] = [];
    for (const entry of frontier) {
      for (const move of moves(entry, faults)) {
        const child = visit([...entry.schedule, move], isNew);
        // Breadth-first: the first violation has the fewest steps of any.
        if (child === "violation") return finish();
        if (child === "full") return finish();
        if (child !== null) next.push(child);
      }
    }
    frontier = next;
  }
  result.complete = true;
  return finish();
}

// ------------------------------------------------------------------------- livelocks

export interface CycleOptions {
  setUp(chooser: Chooser): Simulation;
  /** True once progress is made (e.g. a value is chosen): such states end a path, they are not part of a livelock. */
  progress(sim: Simulation): boolean;
  /** Longest path searched. */
  maxDepth: number;
  /** Stop after this many distinct states (default 20,000). */
  maxStates?: number;
  /** Stop after running this many schedules (default 20,000): each one replays a whole path. */
  maxTransitions?: number;
  /** Times the loop is replayed to confirm it (default 3). */
  pumps?: number;
  /**
   * Compare node objects and storage too (default true). With false, a state is what is in flight
   * (messages, timers) and which nodes are up: nodes that keep a growing history (every ballot they
   * ever saw) never repeat a state exactly, so for them the loop is established by replaying it
   * `pumps` times, the same events with higher numbers each round.
   */
  compareNodes?: boolean;
}

export interface CycleResult {
  states: number;
  transitions: number;
  depth: number;
  elapsedMs: number;
  /** The schedule that reaches the loop, and the loop: after it, the state is the same up to bigger numbers. */
  cycle?: Cycle;
}

export interface Cycle {
  prefix: Step[];
  loop: Step[];
  /** Each loop step's event, by renamed content (how `pumpLoop` finds it again in later rounds). */
  loopKeys: string[];
  /** The renamed state at the start (and end) of the loop. */
  loopState: string;
}

/**
 * Depth-first search for a path that returns to a state on itself (states compared with their
 * numbers ranked, see canonical.ts) with no progress anywhere on it. Only event orders are explored
 * (no faults): a livelock on a perfect network is the interesting kind. Each candidate is confirmed
 * by replaying its loop `pumps` times on the renamed states; only confirmed loops are reported.
 */
export function findCycle(options: CycleOptions): CycleResult {
  searches++;
  const started = performance.now();
  const maxStates = options.maxStates ?? 20_000;
  const maxTransitions = options.maxTransitions ?? 20_000;
  const result: CycleResult = { states: 0, transitions: 0, depth: 0, elapsedMs: 0 };
  const visited = new Set<string>();
  const onPath = new Map<string, number>();
  const loopKeys: string[] = [];

  const rankedAt = (schedule: Step[]) => {
    const reached = execute(options.setUp, schedule);
    result.transitions++;
    if (reached.error !== undefined || reached.sim === null) return null;
    const { key, pendingKeys } = stateKey(reached.sim, reached.pending, null, true, options.compareNodes ?? true);
    return { reached, key, pendingKeys, progress: options.progress(reached.sim) };
  };

  const dfs = (schedule: Step[], state: NonNullable<ReturnType<typeof rankedAt>>): Cycle | undefined => {
    onPath.set(state.key, schedule.length);
    loopKeys[schedule.length] = "";
    for (let i = 0; i < state.reached.pending.length; i++) {
      if (result.states >= maxStates || result.transitions >= maxTransitions) break;
      const view = state.reached.pending[i] as PendingView;
      loopKeys[schedule.length] = state.pendingKeys[i] as string;
      const next = [...schedule, { choice: i, what: describePending(view) }];
      const child = rankedAt(next);
      if (child === null || child.progress) continue;
      const start = onPath.get(child.key);
      if (start !== undefined) {
        const cycle = { prefix: next.slice(0, start), loop: next.slice(start), loopKeys: loopKeys.slice(start, next.length), loopState: child.key };
        if (pumpLoop(options.setUp, cycle, options.pumps ?? 3, options.progress, options.compareNodes ?? true) !== null) return cycle;
        continue;
      }
      if (visited.has(child.key) || next.length >= options.maxDepth) continue;
      visited.add(child.key);
      result.states++;
      result.depth = Math.max(result.depth, next.length);
      const found = dfs(next, child);
      if (found) return found;
    }
    onPath.delete(state.key);
    return undefined;
  };

  const start = execute(options.setUp, []);
  if (start.error !== undefined) throw start.error; // the world cannot even start: report why
  const root = rankedAt([]);
  if (root !== null && !root.progress) {
    visited.add(root.key);
    result.states++;
    const cycle = dfs([], root);
    if (cycle) result.cycle = cycle;
  }
  result.elapsedMs = Math.round(performance.now() - started);
  return result;
}

/**
 * Runs a loop: the prefix by index, then the loop `rounds` times. In each round the loop's events are
 * found again by their renamed content (the numbers grow from round to round). Returns the
 * simulation if every event was found, nothing threw, no progress was made, and each round ended in
 * the loop's state; otherwise null. Notes in the trace mark where each round starts.
 */
export function pumpLoop(
  setUp: CycleOptions["setUp"],
  cycle: Cycle,
  rounds: number,
  progress: CycleOptions["progress"],
  compareNodes = true,
): Simulation | null {
  const { loopKeys, loopState } = cycle;
  let sim: Simulation | null = null;
  let step = 0;
  let failed = false;
  const total = cycle.prefix.length + rounds * cycle.loop.length;
  const chooser: Chooser = (views) => {
    const world = sim as Simulation;
    if (step < cycle.prefix.length) return (cycle.prefix[step++] as Step).choice;
    const { key, pendingKeys } = stateKey(world, views, null, true, compareNodes);
    const inLoop = (step - cycle.prefix.length) % cycle.loop.length;
    if (progress(world) || (inLoop === 0 && key !== loopState)) {
      failed = true;
      return STOP;
    }
    if (step >= total) return STOP;
    if (inLoop === 0) {
      const round = (step - cycle.prefix.length) / cycle.loop.length + 1;
      world.note(`explorer: round ${round} of ${rounds} of the loop begins; the state is the one before round 1, with bigger numbers`);
    }
    const index = pendingKeys.indexOf(loopKeys[inLoop] as string);
    if (index < 0) {
      failed = true;
      return STOP;
    }
    step++;
    return index;
  };
  try {
    sim = setUp((views, n) => chooser(views, n));
    sim.run();
  } catch {
    return null;
  }
  return failed || step < total ? null : sim;
}
