/**
 * One pending event in the simulation's queue: a message delivery, a timer, a test action, or a call
 * into a node. A single class for every kind keeps the event loop's hot path monomorphic.
 */
import type { Json, NodeHandlers } from "./api.js";
import type { NodeSlot } from "./node-slot.js";

export const DELIVER = 0;
export const TIMER = 1;
export const ACTION = 2;
export const CALL = 3;
export const KIND_NAMES = ["deliver", "timer", "action", "call"] as const;

/** A hosted node, as the events addressed to it see it. */
export type Slot = NodeSlot<Pending>;

/** One pending event. A single shape for every kind keeps the hot path monomorphic. */
export class Pending {
  constructor(
    public time: number,
    public seq: number,
    public kind: number,
    public target: Slot | null,
    public incarnation: number,
    public id: number,
    public from: Slot | null,
    public data: Json,
    public fn: ((handlers: NodeHandlers) => void) | null,
    public label: string,
  ) {}
  cancelled = false;
}
