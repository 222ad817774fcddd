/**
 * Wing & Gong's linearizability search with Lowe's memoization. The history is a list of call
 * and return entries in real-time order. The search repeatedly tries to linearize the first
 * pending call whose operation is legal in the current model state (lifting its call and return
 * out of the list); when it meets a return entry, the operation returning there has not been
 * linearized yet and cannot be any more on this path, so it backtracks. A table of (set of
 * linearized operations, state) pairs already explored prunes repeated work; each set is keyed by
 * the few entries at the front of the list (see memo.ts), so the table's memory and the cost of a
 * lookup do not grow with the history's length. Operations whose
 * outcome is unknown return "at infinity": they may be linearized at any point after their call,
 * including after everything else (which is the same as not having happened for writes).
 */
import { ConfigurationSet, TransitionCache, zobristTags } from "./memo.js";
import type { Model, StateKey } from "./model.js";

/** One operation of a (partition of a) history, in the model's terms. */
export interface Operation<I, O> {
  process: string;
  input: I;
  /** `undefined`: unknown outcome (`info`). */
  output: O | undefined;
  /** Positions of the call and return in the history; `ret` is Infinity for unknown outcomes. */
  call: number;
  ret: number;
}

export interface SearchBudget {
  /** Deterministic limit on search steps; exceeding it yields "unknown". */
  maxSteps?: number;
  /** Wall-clock limit in milliseconds; exceeding it yields "unknown". */
  timeoutMs?: number;
  /** Shared step counter and start time across partitions. */
  steps: number;
  startedAt: number;
}

export interface SearchResult {
  verdict: "ok" | "violation" | "unknown";
  /** For a violation: the longest linearizable prefix found (operation indexes into the input, in order). */
  prefix?: number[];
  /** For a violation: the operation that could not be placed after that prefix. */
  stuck?: number;
  /** For a violation: the states (after some prefix of that length) in which it was tried. */
  stuckStates?: unknown[];
}

const HEAD = -1;

export function searchLinearization<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[], budget: SearchBudget): SearchResult {
  const n = ops.length;
  if (n === 0) return { verdict: "ok" };

  // Entries 0..n-1 are calls, n..2n-1 returns; the list is threaded through next/prev, with the
  // head stored at index 2n.
  const order: number[] = [];
  for (let i = 0; i < n; i++) order.push(i, n + i);
  const time = (e: number): number => (e < n ? (ops[e] as Operation<I, O>).call : (ops[e - n] as Operation<I, O>).ret);
  order.sort((a, b) => time(a) - time(b) || a - b);
  const headSlot = 2 * n;
  const next = new Int32Array(2 * n + 1);
  const prev = new Int32Array(2 * n + 1);
  let last = headSlot;
  for (const e of order) {
    next[last] = e;
    prev[e] = last;
    last = e;
  }
  next[last] = HEAD;

  const remove = (e: number): void => {
    const p = prev[e] as number;
    const q = next[e] as number;
    next[p] = q;
    if (q !== HEAD) prev[q] = p;
  };
  const restore = (e: number): void => {
    const p = prev[e] as number;
    const q = next[e] as number;
    next[p] = e;
    if (q !== HEAD) prev[q] = e;
  };
  // Dancing links: entries are restored in the reverse order of their removal.
  const lift = (op: number): void => {
    remove(op);
    remove(n + op);
  };
  const unlift = (op: number): void => {
    restore(n + op);
    restore(op);
  };

  // States are interned to small integers; transitions are cached per (state, operation).
  const states: S[] = [];
  const stateIds = new Map<StateKey, number>();
  const intern = (s: S): number => {
    const k = model.key(s);
    let id = stateIds.get(k);
    if (id === undefined) {
      id = states.length;
      states.push(s);
      stateIds.set(k, id);
    }
    return id;
  };
  const transitions = new TransitionCache();
  const step = (state: number, op: number): number => {
    let to = transitions.get(state, op);
    if (to === -2) {
      const o = ops[op] as Operation<I, O>;
      const after = model.step(states[state] as S, o.input, o.output);
      to = after === undefined ? -1 : after === states[state] ? state : intern(after);
      transitions.set(state, op, to);
    }
    return to;
  };

  // The linearized set's hash is kept incrementally (XOR of per-operation tags); its key is read
  // off the front of the list after lifting: the pending calls, then the first return entry.
  const tags = zobristTags(n);
  let setHash = 0;
  const seen = new ConfigurationSet();
  const key = new Int32Array(n + 1);
  const remember = (state: number): boolean => {
    let length = 0;
    let e = next[headSlot] as number;
    while (e !== HEAD && e < n) {
      key[length++] = e;
      e = next[e] as number;
    }
    key[length++] = e;
    return seen.add((setHash ^ Math.imul(state + 1, 0x9e3779b1)) >>> 0, state, key, length);
  };

  let determinateLeft = 0;
  const unknownOutcome = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if ((ops[i] as Operation<I, O>).ret === Infinity) unknownOutcome[i] = 1;
    else determinateLeft++;
  }
  const maxSteps = budget.maxSteps ?? Infinity;
  const timeoutMs = budget.timeoutMs;
  let steps = budget.steps;

  const stackOps = new Int32Array(n);
  const stackStates = new Int32Array(n);
  let sp = 0;
  let state = intern(model.init());
  let entry = next[headSlot] as number;

  // The deepest stack seen so far, copied incrementally: bestPrefix[0..agree) still equals the
  // current stack, so reaching a new depth copies only what was pushed since (linear in steps,
  // where copying the whole stack each time is quadratic in the history's length).
  let bestDepth = -1;
  const bestPrefix = new Int32Array(n);
  let agree = 0;
  let stuck = -1;
  const stuckStates = new Set<number>();

  for (;;) {
    if (determinateLeft === 0 || entry === HEAD) {
      budget.steps = steps;
      return { verdict: "ok" };
    }
    steps++;
    if (steps > maxSteps || (timeoutMs !== undefined && (steps & 4095) === 0 && performance.now() - budget.startedAt > timeoutMs)) {
      budget.steps = steps;
      return { verdict: "unknown" };
    }

    if (entry < n) {
      const op = entry;
      const to = step(state, op);
      if (to >= 0) {
        lift(op);
        setHash ^= tags[op] as number;
        if (remember(to)) {
          stackOps[sp] = op;
          stackStates[sp] = state;
          sp++;
          state = to;
          if (unknownOutcome[op] === 0) determinateLeft--;
          if (sp > bestDepth) {
            bestPrefix.set(stackOps.subarray(agree, sp), agree);
            agree = sp;
            bestDepth = sp;
            stuck = -1;
            stuckStates.clear();
          }
          entry = next[headSlot] as number;
          continue;
        }
        setHash ^= tags[op] as number;
        unlift(op);
      }
      entry = next[entry] as number;
    } else {
      // A return entry: its operation was not linearized before it returned.
      const op = entry - n;
      if (sp === bestDepth || (bestDepth === -1 && sp === 0)) {
        if (bestDepth === -1) bestDepth = 0;
        if (stuck === -1) stuck = op;
        if (stuck === op && stuckStates.size < 16) stuckStates.add(state);
      }
      if (sp === 0) {
        budget.steps = steps;
        return {
          verdict: "violation",
          prefix: Array.from(bestPrefix.subarray(0, Math.max(0, bestDepth))),
          stuck,
          stuckStates: [...stuckStates].map((s) => states[s]),
        };
      }
      sp--;
      if (sp < agree) agree = sp;
      const undone = stackOps[sp] as number;
      state = stackStates[sp] as number;
      setHash ^= tags[undone] as number;
      unlift(undone);
      if (unknownOutcome[undone] === 0) determinateLeft++;
      entry = next[undone] as number;
    }
  }
}
