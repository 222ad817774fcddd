/**
 * Fault schedules are data: a list of timed faults that a suite scripts exactly or generates (see
 * fault-generators.ts), that a trace records, and that can be shrunk when a generated one fails.
 */
import type { NodeId } from "./api.js";
import type { NetworkConditions } from "./network.js";

export type Fault =
  /** Nodes in different groups cannot talk; nodes in no group form one more group together. */
  | { at: number; type: "partition"; groups: NodeId[][] }
  /** One-way cut: messages from `from` to `to` are lost; the other direction still works. */
  | { at: number; type: "block"; from: NodeId; to: NodeId }
  /** Removes every partition and one-way cut. */
  | { at: number; type: "heal" }
  /** The node stops; its volatile state, timers and unsynced writes are lost. */
  | { at: number; type: "crash"; node: NodeId }
  /** A crashed node starts again as a fresh instance with only its synced storage. */
  | { at: number; type: "restart"; node: NodeId }
  /** The node freezes for `forMs` (a long GC pause, a slow VM); events wait and then arrive at once. */
  | { at: number; type: "pause"; node: NodeId; forMs: number }
  /** Changes link quality from now on. */
  | { at: number; type: "network"; conditions: Partial<NetworkConditions> }
  /** The node's physical clock reads `offsetMs` off and runs `drift` too fast (0.01 = 1% fast). */
  | { at: number; type: "clock"; node: NodeId; offsetMs: number; drift: number };

export type FaultSchedule = readonly Fault[];

/** One line per fault, for reports: "t=1200ms crash n2". */
export function describeFault(f: Fault): string {
  const at = `t=${f.at}ms`;
  switch (f.type) {
    case "partition":
      return `${at} partition ${f.groups.map((g) => `{${g.join(",")}}`).join(" | ")}`;
    case "block":
      return `${at} cut ${f.from} -> ${f.to}`;
    case "heal":
      return `${at} heal the network`;
    case "crash":
      return `${at} crash ${f.node}`;
    case "restart":
      return `${at} restart ${f.node}`;
    case "pause":
      return `${at} pause ${f.node} for ${f.forMs}ms`;
    case "network":
      return `${at} network ${JSON.stringify(f.conditions)}`;
    case "clock":
      return `${at} clock of ${f.node} off by ${f.offsetMs}ms, drift ${f.drift}`;
  }
}
