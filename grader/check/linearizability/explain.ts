/**
 * Turning a failed search into something a learner can act on, and that the trace viewer can
 * show: the longest prefix of operations that could be linearized (with the state after each),
 * the operation that cannot be placed after it, and the states it could have observed there.
 * Everything is plain JSON.
 */
import type { Operation, SearchResult } from "./checker.js";
import type { Model } from "./model.js";

export interface OperationSummary {
  process: string;
  /** e.g. `read() -> 3`, `cas(1, 2) -> fail`. */
  operation: string;
  /** Position of the invocation in the history. */
  invokedAt: number;
  /** Position of the completion in the history; null if its outcome is unknown. */
  completedAt: number | null;
}

export interface LinearizabilityExplanation {
  /** For a partitioned model (e.g. one key of a map): which partition failed. */
  partition: string | null;
  /** The longest prefix that can be linearized, in linearization order, with the state after each. */
  linearizedPrefix: { op: OperationSummary; stateAfter: string }[];
  /** The operation that cannot be placed after that prefix. */
  cannotPlace: OperationSummary;
  /** States the search reached at that point (after a longest prefix): what the operation could have observed. */
  couldHaveObserved: string[];
  /** Operations concurrent with the one that cannot be placed (also not in the prefix). */
  concurrent: OperationSummary[];
  /** One paragraph in plain words. */
  message: string;
}

export function summarise<S, I, O>(model: Model<S, I, O>, op: Operation<I, O>): OperationSummary {
  return {
    process: op.process,
    operation: model.describeOperation(op.input, op.output),
    invokedAt: op.call,
    completedAt: op.ret === Infinity ? null : op.ret,
  };
}

export function explainViolation<S, I, O>(
  model: Model<S, I, O>,
  ops: readonly Operation<I, O>[],
  result: SearchResult,
  partition: string | null,
): LinearizabilityExplanation {
  const prefix = result.prefix ?? [];
  const stuckOp = ops[result.stuck ?? 0] as Operation<I, O>;
  let state = model.init();
  const linearizedPrefix: LinearizabilityExplanation["linearizedPrefix"] = [];
  for (const i of prefix) {
    const op = ops[i] as Operation<I, O>;
    state = model.step(state, op.input, op.output) ?? state;
    linearizedPrefix.push({ op: summarise(model, op), stateAfter: model.describeState(state) });
  }
  const inPrefix = new Set(prefix);
  const concurrent = ops
    .filter((o, i) => i !== result.stuck && !inPrefix.has(i) && o.call < stuckOp.ret && o.ret > stuckOp.call)
    .slice(0, 20)
    .map((o) => summarise(model, o));
  const couldHaveObserved = [...new Set((result.stuckStates ?? []).map((s) => model.describeState(s as S)))];
  const stuck = summarise(model, stuckOp);
  const where = partition === null ? "" : ` (${model.name} partition ${JSON.stringify(partition)})`;
  const message =
    `Not linearizable${where}: process ${stuck.process}'s ${stuck.operation} (history entries ${stuck.invokedAt}..${stuck.completedAt ?? "end"}) ` +
    `cannot be placed anywhere between its invocation and its completion. The longest prefix that can be linearized has ` +
    `${prefix.length} operation${prefix.length === 1 ? "" : "s"}; after it, the object could be in ` +
    `${couldHaveObserved.length === 1 ? "the state" : "one of the states"} ${couldHaveObserved.join("; ") || "(none)"}, ` +
    "and no continuation from there places the operation before it completes.";
  return { partition, linearizedPrefix, cannotPlace: stuck, couldHaveObserved, concurrent, message };
}
