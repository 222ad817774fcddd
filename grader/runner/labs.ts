/**
 * The course's labs, in order, and where each one's suite is. A lab is available once its suite
 * exists; the rest are listed so the CLI can say "coming" instead of "unknown".
 *
 * The runner finds a suite here by its file, as it finds an implementation by its folder: it imports
 * no suite module itself, so no arrow runs from the runner back up to the suites built on it.
 */
import type { LabSuite } from "./suite.js";

export interface LabEntry {
  unit: number;
  /** Folder name under labs/, solutions-private/ and grader/suites/. */
  lab: string;
  title: string;
  load?: () => Promise<LabSuite<never>>;
}

/** A lab whose suite is `grader/suites/<lab>/index.ts` (exporting `suite`). */
function available(unit: number, lab: string, title: string): LabEntry {
  const file = new URL(`../suites/${lab}/index.ts`, import.meta.url).href;
  return { unit, lab, title, load: async () => ((await import(file)) as { suite: LabSuite<never> }).suite };
}

export const LABS: readonly LabEntry[] = [
  available(1, "01-fallacies", "Fallacies, clocks and reliable delivery"),
  available(2, "02-mapreduce", "MapReduce and distributed storage"),
  available(3, "03-gossip", "Gossip, broadcast and CRDTs"),
  available(4, "04-consensus", "Consensus and FLP"),
  available(5, "05-raft", "Raft"),
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
