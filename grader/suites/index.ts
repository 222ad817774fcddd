/**
 * The course's labs, in order. A lab is available once its suite exists; the rest are listed so the
 * CLI can say "coming" instead of "unknown".
 */
import type { LabSuite } from "../runner/suite.js";

export interface LabEntry {
  unit: number;
  /** Folder name under labs/ and solutions-private/. */
  lab: string;
  title: string;
  load?: () => Promise<LabSuite<never>>;
}

export const LABS: readonly LabEntry[] = [
  {
    unit: 1,
    lab: "01-fallacies",
    title: "Fallacies, clocks and reliable delivery",
    load: async () => (await import("./01-fallacies/index.js")).suite as LabSuite<never>,
  },
  {
    unit: 2,
    lab: "02-mapreduce",
    title: "MapReduce and distributed storage",
    load: async () => (await import("./02-mapreduce/index.js")).suite as LabSuite<never>,
  },
  {
    unit: 3,
    lab: "03-gossip",
    title: "Gossip, broadcast and CRDTs",
    load: async () => (await import("./03-gossip/index.js")).suite as LabSuite<never>,
  },
  {
    unit: 4,
    lab: "04-consensus",
    title: "Consensus and FLP",
    load: async () => (await import("./04-consensus/index.js")).suite as LabSuite<never>,
  },
  {
    unit: 5,
    lab: "05-raft",
    title: "Raft",
    load: async () => (await import("./05-raft/index.js")).suite as LabSuite<never>,
  },
  { unit: 6, lab: "06-linearizable-kv", title: "Consistency: a linearizable key-value store" },
  { unit: 7, lab: "07-transactions", title: "Transactions and isolation" },
  { unit: 8, lab: "08-production", title: "Production: overload, timeouts and retries" },
];

/** Finds a lab by unit number ("1", "01") or name ("fallacies", "01-fallacies"). */
export function findLab(query: string): LabEntry | undefined {
  const q = query.trim().toLowerCase();
  if (/^\d+$/.test(q)) return LABS.find((l) => l.unit === Number(q));
  return LABS.find((l) => l.lab === q || l.lab.slice(3) === q);
}
