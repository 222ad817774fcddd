/**
 * Linearizability checking (public API).
 *
 *   checkLinearizability(history, model, options?) -> LinearizabilityResult
 *     history: recorded operations (the simulator's HistoryEntry[] or parsed RecordedOp[]);
 *     model:   registerModel | casRegisterModel | kvModel | setModel, or your own `Model`.
 *   checkOperations(model, operations, options?)   same, on operations already in model terms.
 *
 * Result: { verdict: "ok" | "violation" | "unknown", model, operations, partitions, steps,
 *           explanation? }. "unknown" only ever comes from the budget (options.maxSteps, counted
 * deterministically, or options.timeoutMs, wall-clock); a budget never yields "ok".
 * `info` operations (timed out, crashed) may or may not have taken effect. Models that say how
 * (kv: by key) are checked one partition at a time (P-compositionality); options.partition=false
 * turns that off. A violation's explanation (JSON) names the longest linearizable prefix, the
 * operation that cannot be placed and the states it could have observed.
 *
 * A model is a small typed object (see model.ts): init, step, key, partition?, partitionModel?,
 * fromHistory, describeOperation, describeState.
 */
import type { RecordedOp } from "../history-formats/index.js";
import { pairOperations } from "../history-formats/index.js";
import { type Operation, type SearchBudget, searchLinearization } from "./checker.js";
import { explainViolation, type LinearizabilityExplanation } from "./explain.js";
import { type AnyModel, casRegisterModel, casRegisterModelWith, kvModel, type Model, registerModel, registerModelWith, setModel } from "./model.js";

export type { Model, StateKey, AnyModel, CasRegisterOptions, KvState, RegisterInput, KvInput, SetInput } from "./model.js";
export type { Operation } from "./checker.js";
export type { LinearizabilityExplanation, OperationSummary } from "./explain.js";
export { casRegisterModel, casRegisterModelWith, kvModel, registerModel, registerModelWith, setModel };

/** The built-in models by name. */
export const MODELS: Readonly<Record<string, AnyModel>> = {
  register: registerModel,
  "cas-register": casRegisterModel,
  kv: kvModel,
  set: setModel,
};

export interface LinearizabilityOptions {
  /** Check each partition separately when the model allows it (default true). */
  partition?: boolean;
  /** Deterministic budget: at most this many search steps in total, else "unknown". */
  maxSteps?: number;
  /** Wall-clock budget in milliseconds, else "unknown". */
  timeoutMs?: number;
}

export interface LinearizabilityResult {
  verdict: "ok" | "violation" | "unknown";
  model: string;
  /** Operations checked (failed operations are dropped: they did not happen). */
  operations: number;
  partitions: number;
  /** Search steps taken (deterministic measure of effort). */
  steps: number;
  /** For "unknown": which budget ran out. */
  exhausted?: "steps" | "time";
  explanation?: LinearizabilityExplanation;
}

/** Converts recorded history entries into the model's operations. */
export function toOperations<S, I, O>(history: readonly RecordedOp[], model: Model<S, I, O>): Operation<I, O>[] {
  const ops: Operation<I, O>[] = [];
  for (const p of pairOperations(history)) {
    const io = model.fromHistory(p);
    if (io === null) continue;
    ops.push({ process: p.process, input: io.input, output: p.type === "info" ? undefined : io.output, call: p.invokeIndex, ret: p.completeIndex });
  }
  return ops;
}

export function checkLinearizability<S, I, O>(history: readonly RecordedOp[], model: Model<S, I, O>, options: LinearizabilityOptions = {}): LinearizabilityResult {
  return checkOperations(model, toOperations(history, model), options);
}

export function checkOperations<S, I, O>(model: Model<S, I, O>, ops: readonly Operation<I, O>[], options: LinearizabilityOptions = {}): LinearizabilityResult {
  const groups = new Map<string | null, Operation<I, O>[]>();
  const partitionOf = options.partition !== false && model.partition ? model.partition.bind(model) : undefined;
  for (const op of ops) {
    const key = partitionOf ? partitionOf(op.input) : null;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(op);
  }
  const budget: SearchBudget = { steps: 0, startedAt: performance.now() };
  if (options.maxSteps !== undefined) budget.maxSteps = options.maxSteps;
  if (options.timeoutMs !== undefined) budget.timeoutMs = options.timeoutMs;
  let unknown = false;
  const base = { model: model.name, operations: ops.length, partitions: groups.size };
  const each = (partitionOf && model.partitionModel) || model;
  for (const [key, group] of groups) {
    const r = searchLinearization(each as Model<unknown, I, O>, group, budget);
    if (r.verdict === "violation") {
      return { ...base, verdict: "violation", steps: budget.steps, explanation: explainViolation(each as Model<unknown, I, O>, group, r, key) };
    }
    if (r.verdict === "unknown") {
      unknown = true;
      break;
    }
  }
  if (!unknown) return { ...base, verdict: "ok", steps: budget.steps };
  return { ...base, verdict: "unknown", steps: budget.steps, exhausted: budget.steps > (budget.maxSteps ?? Infinity) ? "steps" : "time" };
}
