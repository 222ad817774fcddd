/**
 * Why a run stopped early. Every error carries the virtual time and, where there is one, the node,
 * so a report can say "what went wrong, at which time, on which node".
 */
import type { NodeId } from "./api.js";

export interface Where {
  time?: number;
  node?: NodeId;
}

export class SimulationError extends Error {
  readonly time: number | undefined;
  readonly node: NodeId | undefined;
  constructor(message: string, where: Where = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.time = where.time;
    this.node = where.node;
  }
}

/** A property the lab must keep was broken. The message is in the lab's own terms. */
export class Violation extends SimulationError {}

/** Lab code threw an exception inside a handler; `cause` is the original error. */
export class HandlerError extends SimulationError {}

/** Lab code tried to escape the simulation (real timers, promises, async handlers). */
export class DeterminismError extends SimulationError {}

/** The run used more simulated events than its budget: usually a livelock or a message storm. */
export class EventBudgetExceeded extends SimulationError {}

/** Lab code logged (ctx.log or console) more than a run allows: the output would drown the trace. */
export class OutputFlood extends SimulationError {}

/** Whoever runs the simulation stopped it from outside (a wall-clock deadline) while events kept coming. */
export class RunInterrupted extends SimulationError {}
