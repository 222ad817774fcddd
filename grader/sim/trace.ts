/**
 * The trace: every observable thing that happened in a run, with its virtual time. It is written as
 * versioned JSON, one event per line, so two runs of the same seed can be compared byte for byte
 * and the web viewer can render it.
 */
import type { Json, NodeId } from "./api.js";
import type { HistoryEntry } from "./history.js";
import type { NetworkConditions } from "./network.js";

export const TRACE_FORMAT = "ds-course-trace";
export const TRACE_VERSION = 1;

export type DropReason = "loss" | "partition" | "node-down";

/** One thing that happened. `t` is the virtual time in milliseconds. */
export type TraceEvent =
  | { t: number; type: "start"; node: NodeId; incarnation: number }
  | { t: number; type: "send"; id: number; from: NodeId; to: NodeId; bytes: number; msg: Json }
  | { t: number; type: "deliver"; id: number; from: NodeId; to: NodeId }
  | { t: number; type: "drop"; id: number; from: NodeId; to: NodeId; reason: DropReason }
  | { t: number; type: "duplicate"; id: number; from: NodeId; to: NodeId }
  | { t: number; type: "timer-set"; node: NodeId; timer: number; delay: number; payload: Json }
  | { t: number; type: "timer-fire"; node: NodeId; timer: number }
  | { t: number; type: "timer-cancel"; node: NodeId; timer: number }
  | { t: number; type: "crash"; node: NodeId }
  | { t: number; type: "restart"; node: NodeId; incarnation: number }
  | { t: number; type: "pause"; node: NodeId }
  | { t: number; type: "resume"; node: NodeId }
  | { t: number; type: "partition"; groups: NodeId[][] }
  | { t: number; type: "block"; from: NodeId; to: NodeId }
  | { t: number; type: "heal" }
  | { t: number; type: "network"; conditions: NetworkConditions }
  | { t: number; type: "clock"; node: NodeId; offsetMs: number; drift: number }
  | { t: number; type: "sync"; node: NodeId; keys: number }
  | { t: number; type: "call"; node: NodeId; label: string }
  | { t: number; type: "log"; node: NodeId; text: string }
  | { t: number; type: "op"; op: HistoryEntry }
  | { t: number; type: "note"; text: string };

export type TraceEventType = TraceEvent["type"];

export interface TraceHeader {
  format: typeof TRACE_FORMAT;
  version: typeof TRACE_VERSION;
  lab: string;
  test: string;
  seed: number;
  nodes: NodeId[];
  /** Set when the run failed: what went wrong, in the lab's terms. */
  failure?: { message: string; time?: number; node?: NodeId };
  /** The fault schedule the run used (after shrinking, if it was shrunk). */
  faults?: Json;
  /** Explicit scheduling choices, when the run was driven by them. */
  choices?: number[];
}

/**
 * Serialises a trace: the header's fields, then `"events": [` with one event per line. Valid JSON,
 * diff-friendly, and deterministic because it contains nothing but the run's own data.
 */
export function serializeTrace(header: TraceHeader, events: readonly TraceEvent[]): string {
  const head = JSON.stringify(header);
  const lines = events.map((e) => JSON.stringify(e));
  return `${head.slice(0, -1)},\n"events": [\n${lines.join(",\n")}\n]}\n`;
}

export function parseTrace(text: string): TraceHeader & { events: TraceEvent[] } {
  const parsed = JSON.parse(text) as TraceHeader & { events: TraceEvent[] };
  if (parsed.format !== TRACE_FORMAT) throw new Error(`not a course trace (format is ${String(parsed.format)})`);
  if (parsed.version !== TRACE_VERSION) {
    throw new Error(`trace version ${parsed.version} is not supported (this grader reads version ${TRACE_VERSION})`);
  }
  return parsed;
}
