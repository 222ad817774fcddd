/**
 * A Jepsen-style history of client operations: each operation is invoked, then completes as
 * `ok` (it happened), `fail` (it certainly did not happen) or `info` (unknown: it may or may not
 * have happened, e.g. the client timed out). Checkers consume histories; the trace records them too.
 */
import type { Json } from "./api.js";

export type OpType = "invoke" | "ok" | "fail" | "info";

export interface HistoryEntry {
  /** Position in the history. */
  index: number;
  type: OpType;
  /** Which client process issued the operation; a process has at most one operation outstanding. */
  process: string;
  /** The operation's name, e.g. "read", "write", "send". */
  f: string;
  value: Json;
  /** Virtual time in milliseconds. */
  time: number;
}

export class History {
  readonly entries: HistoryEntry[] = [];
  private readonly open = new Map<string, HistoryEntry>();

  constructor(
    private readonly clock: () => number,
    private readonly onEntry: (entry: HistoryEntry) => void = () => {},
  ) {}

  invoke(process: string, f: string, value: Json = null): HistoryEntry {
    if (this.open.has(process)) {
      throw new Error(`history: process ${process} invoked ${f} while its previous operation is still open`);
    }
    const entry = this.add("invoke", process, f, value);
    this.open.set(process, entry);
    return entry;
  }

  ok(process: string, value?: Json): HistoryEntry {
    return this.complete("ok", process, value);
  }

  fail(process: string, value?: Json): HistoryEntry {
    return this.complete("fail", process, value);
  }

  info(process: string, value?: Json): HistoryEntry {
    return this.complete("info", process, value);
  }

  /** The operation `process` has open, if any. */
  pending(process: string): HistoryEntry | undefined {
    return this.open.get(process);
  }

  private complete(type: OpType, process: string, value: Json | undefined): HistoryEntry {
    const invoked = this.open.get(process);
    if (!invoked) throw new Error(`history: process ${process} completed an operation it never invoked`);
    this.open.delete(process);
    return this.add(type, process, invoked.f, value === undefined ? invoked.value : value);
  }

  private add(type: OpType, process: string, f: string, value: Json): HistoryEntry {
    const entry: HistoryEntry = { index: this.entries.length, type, process, f, value, time: this.clock() };
    this.entries.push(entry);
    this.onEntry(entry);
    return entry;
  }
}
