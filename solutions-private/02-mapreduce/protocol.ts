/** The messages between workers and the coordinator in the reference solution, and shared helpers. */
import type { Json } from "../../grader/sim/api.js";

export type TaskKind = "map" | "reduce";

/** A finished attempt, as a worker reports it. */
export interface Finished {
  kind: TaskKind;
  task: number;
  attempt: number;
}

/** Worker to coordinator: "give me work", carrying the attempt just finished, if any. */
export interface Ask {
  type: "ask";
  /** Identifies this worker incarnation; `seq` numbers its asks so retries can be recognised. */
  nonce: string;
  seq: number;
  finished: Finished | null;
}

export type Assignment =
  | { kind: "map"; task: number; attempt: number; file: string; nReduce: number }
  | { kind: "reduce"; task: number; attempt: number; nMap: number }
  | { kind: "wait" }
  | { kind: "exit" };

/** Coordinator to worker: the answer to ask `seq`. */
export interface Reply {
  type: "reply";
  nonce: string;
  seq: number;
  assignment: Assignment;
}

export function asJson(value: Ask | Reply): Json {
  return value as unknown as Json;
}

/** Intermediate file of map task `m` for reduce task `r`. */
export function intermediateFile(m: number, r: number): string {
  return `mr-${m}-${r}`;
}

/** Which reduce task a key goes to: FNV-1a of the key, mod nReduce. */
export function partition(key: string, nReduce: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % nReduce;
}
