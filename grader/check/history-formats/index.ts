/**
 * Reading histories from text, whatever wrote them:
 *  - the simulator's own JSON history (an array of `HistoryEntry`, or `{ history: [...] }`),
 *  - Jepsen/Elle JSON (an array of operations, or one JSON object per line),
 *  - Jepsen/Elle EDN (a vector of maps, or one map per line; keywords become strings),
 *  - Jepsen log lines `INFO  jepsen.util - <process>\t:<type>\t:<f>\t<value>` (as in Porcupine's
 *    etcd fixtures).
 * Everything becomes a list of `RecordedOp`, the simulator's `HistoryEntry` shape. An operation
 * on a key written with a separate `:key` field (Porcupine's kv format) gets `value: {key, value}`.
 * Pure functions on strings: no file access, so this also runs in a browser.
 */
import type { Json } from "../../sim/api.js";
import type { HistoryEntry, OpType } from "../../sim/history.js";
import { EdnError, readEdn, readEdnAll } from "./edn.js";

export { readEdn, readEdnAll, EdnError } from "./edn.js";

/** One line of a history: the simulator's `HistoryEntry`, with `time` optional. */
export type RecordedOp = Omit<HistoryEntry, "time"> & { time?: number };

export type HistoryFormat = "simulator-json" | "json" | "json-lines" | "edn" | "jepsen-log";

export interface ParsedHistory {
  format: HistoryFormat;
  ops: RecordedOp[];
}

/** Input that could not be read; `line` is 1-based (0: the input as a whole). */
export class HistoryParseError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
    readonly text: string,
  ) {
    super(`${line > 0 ? `line ${line}: ` : ""}${printable(reason)}${text ? `: ${printable(text.length > 120 ? `${text.slice(0, 120)}...` : text)}` : ""}`);
  }
}

/** The excerpt with control characters escaped, so an error message never writes raw bytes to a terminal. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\ufffd]/g, (c) => (c === "\ufffd" ? "?" : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`));
}

/**
 * Whether `text` is binary data rather than a history (a NUL, bytes that were not UTF-8, or many
 * control characters near the start).
 */
export function looksBinary(text: string): boolean {
  const head = text.slice(0, 8192);
  let control = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c === 0 || c === 0xfffd) return true;
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127) control++;
  }
  return control > 8 && control * 100 > head.length;
}

/** What the caller knows about the format (e.g. from the file name); content decides otherwise. */
export type FormatHint = "json" | "edn" | undefined;

/** The hint a file name gives: `.json`, `.jsonl`, `.ndjson` are JSON, `.edn` is EDN; others say nothing. */
export function formatHintFromName(name: string): FormatHint {
  if (/\.(json|jsonl|ndjson)$/i.test(name)) return "json";
  if (/\.edn$/i.test(name)) return "edn";
  return undefined;
}

const TYPES = new Set<string>(["invoke", "ok", "fail", "info"]);
const JEPSEN_LINE = /jepsen\.util\s+-\s+(\S+)\s+:?(\w+)\s+:?([\w-]+)\s*(.*)$/;

/**
 * Guesses the format of `text` (with `hint`, e.g. from the file name) and reads it. Throws
 * `HistoryParseError` naming the bad line.
 */
export function parseHistory(text: string, hint?: FormatHint): ParsedHistory {
  if (looksBinary(text)) throw new HistoryParseError(0, "this is binary data, not a history (expected JSON, EDN or Jepsen log lines)", "");
  const trimmed = text.trimStart();
  if (trimmed === "") return { format: "json", ops: [] };
  if (/^\S*\s*INFO\s|jepsen\.util\s+-/.test(trimmed.slice(0, 2000))) return { format: "jepsen-log", ops: parseJepsenLog(text) };
  if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
    let whole: unknown;
    let parsed = true;
    let jsonError = "";
    try {
      whole = JSON.parse(text);
    } catch (e) {
      parsed = false;
      jsonError = (e as Error).message;
    }
    if (parsed) {
      const list = Array.isArray(whole) ? whole : (whole as { history?: unknown }).history;
      if (!Array.isArray(list)) throw new HistoryParseError(1, "JSON history must be an array of operations or {history: [...]}", "");
      const simulator = list.length > 0 && typeof (list[0] as { process?: unknown }).process === "string" && "time" in (list[0] as object);
      const lines = Array.isArray(whole) ? elementLines(text) : [];
      return { format: simulator ? "simulator-json" : "json", ops: list.map((o, i) => normalise(o, i, lines[i] ?? 1)) };
    }
    // One JSON object per line?
    if (trimmed.startsWith("{") && /^\s*\{[^\n]*\}\s*\n\s*\{/.test(trimmed) && !/^\s*\{\s*:/.test(trimmed)) {
      return { format: "json-lines", ops: perLine(text, (line) => JSON.parse(line) as unknown) };
    }
    if (hint === "json" || (hint === undefined && looksLikeJson(trimmed))) throw jsonProblem(text, jsonError);
  }
  return { format: "edn", ops: parseEdnHistory(text) };
}

/** JSON's first key or element is a string, number or bracket; EDN's maps start with a keyword (`:type`). */
function looksLikeJson(trimmed: string): boolean {
  const first = /^[[{\s]*(\S)/.exec(trimmed)?.[1];
  return first !== undefined && first !== ":";
}

/** A JSON syntax error, at the line JSON.parse's position points to. */
function jsonProblem(text: string, message: string): HistoryParseError {
  const at = /position (\d+)/.exec(message);
  const line = at ? lineAt(text, Number(at[1])) : 1;
  const reason = message.replace(/\s*\(line \d+ column \d+\)/, "").replace(/ in JSON at position \d+/, "");
  return new HistoryParseError(line, `not valid JSON (${reason})`, at ? (text.split("\n")[line - 1] ?? "").trim() : "");
}

function perLine(text: string, read: (line: string) => unknown): RecordedOp[] {
  const ops: RecordedOp[] = [];
  const lines = text.split("\n");
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith(";") || line.startsWith("#")) continue;
    let value: unknown;
    try {
      value = read(line);
    } catch (e) {
      throw new HistoryParseError(i + 1, `cannot read (${(e as Error).message})`, line);
    }
    ops.push(normalise(value, ops.length, i + 1));
  }
  return ops;
}

function parseEdnHistory(text: string): RecordedOp[] {
  const lines = text.split("\n");
  const meaningful = lines.map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith(";"));
  // One map per line (Jepsen's history.edn, Porcupine's kv files): read line by line for exact line numbers.
  if (meaningful.length > 0 && meaningful.every((l) => l.startsWith("{"))) return perLine(text, (line) => readEdn(line));
  let values: Json[];
  try {
    values = readEdnAll(text);
  } catch (e) {
    if (e instanceof EdnError) throw new HistoryParseError(lineAt(text, e.offset), `not EDN (${e.message})`, text.split("\n")[lineAt(text, e.offset) - 1] ?? "");
    throw e;
  }
  if (values.length === 1 && Array.isArray(values[0])) values = values[0];
  // Line numbers: for one map per line, the i-th line starting a map.
  const lineOf: number[] = [];
  for (const [i, l] of lines.entries()) if (l.trim().startsWith("{")) lineOf.push(i + 1);
  return values.map((v, i) => normalise(v, i, lineOf[i] ?? 1));
}

/** Jepsen's log lines; other log lines (not from jepsen.util) are skipped. */
export function parseJepsenLog(text: string): RecordedOp[] {
  const ops: RecordedOp[] = [];
  const lines = text.split("\n");
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/\r$/, "");
    if (!line.includes("jepsen.util")) {
      if (line.trim() !== "" && !/^\S*\s*(INFO|WARN|DEBUG|ERROR|TRACE)\b|^\s|^\d{4}-/.test(line)) throw new HistoryParseError(i + 1, "not a Jepsen log line", line);
      continue;
    }
    const m = JEPSEN_LINE.exec(line);
    if (!m || !TYPES.has(m[2] as string)) throw new HistoryParseError(i + 1, "expected '<process>\\t:<type>\\t:<f>\\t<value>'", line);
    let value: Json = null;
    const rawValue = (m[4] as string).trim();
    if (rawValue !== "") {
      try {
        value = readEdn(rawValue);
      } catch {
        throw new HistoryParseError(i + 1, "value is not EDN", line);
      }
    }
    ops.push({ index: ops.length, type: m[2] as OpType, process: m[1] as string, f: m[3] as string, value });
  }
  return ops;
}

function normalise(raw: unknown, index: number, line: number): RecordedOp {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new HistoryParseError(line, "an operation must be a map/object", JSON.stringify(raw) ?? "");
  const o = raw as { [k: string]: Json };
  const type = o.type;
  if (typeof type !== "string" || !TYPES.has(type)) throw new HistoryParseError(line, "operation has no type invoke/ok/fail/info", JSON.stringify(raw));
  if (o.process === undefined || o.process === null) throw new HistoryParseError(line, "operation has no process", JSON.stringify(raw));
  const f = o.f === undefined || o.f === null ? "txn" : String(o.f);
  let value: Json = o.value === undefined ? null : o.value;
  if ("key" in o) value = { key: o.key as Json, value };
  const op: RecordedOp = { index: typeof o.index === "number" ? o.index : index, type: type as OpType, process: String(o.process), f, value };
  if (typeof o.time === "number") op.time = o.time;
  return op;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** For a JSON array, the line on which each top-level element starts. */
function elementLines(text: string): number[] {
  const out: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\n") line++;
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === " " || c === "\t" || c === "\r" || c === "\n") continue;
    if (expectElement && depth === 1 && c !== "]") {
      out.push(line);
      expectElement = false;
    }
    if (c === '"') inString = true;
    else if (c === "[" || c === "{") {
      depth++;
      if (depth === 1) expectElement = true;
    } else if (c === "]" || c === "}") depth--;
    else if (c === "," && depth === 1) expectElement = true;
  }
  return out;
}

/**
 * Pairs each invocation with its completion (same process, next entry). Operations still open
 * at the end of the history are reported as `info` (they may or may not have happened).
 * `nemesis` entries are dropped. Throws `HistoryParseError` on a completion without invocation.
 */
export interface PairedOp {
  process: string;
  f: string;
  type: "ok" | "fail" | "info";
  /** The invocation's value (e.g. a transaction with unknown reads). */
  invokeValue: Json;
  /** The completion's value (for `info`, the invocation's value). */
  value: Json;
  /** Positions of the invocation and completion in the history (completion: Infinity if none). */
  invokeIndex: number;
  completeIndex: number;
  /** Index of the completion entry in the original list (or of the invocation if never completed). */
  index: number;
}

export function pairOperations(ops: readonly RecordedOp[]): PairedOp[] {
  const open = new Map<string, { op: RecordedOp; at: number }>();
  const out: PairedOp[] = [];
  for (const [at, op] of ops.entries()) {
    if (op.process === "nemesis") continue;
    if (op.type === "invoke") {
      const prev = open.get(op.process);
      if (prev) out.push(pendingAsInfo(prev.op, prev.at));
      open.set(op.process, { op, at });
      continue;
    }
    const inv = open.get(op.process);
    if (!inv) throw new HistoryParseError(at + 1, `process ${op.process} completed an operation it never invoked`, JSON.stringify(op));
    open.delete(op.process);
    out.push({
      process: op.process,
      f: inv.op.f,
      type: op.type as "ok" | "fail" | "info",
      invokeValue: inv.op.value,
      value: op.type === "info" && (op.value === null || op.value === undefined) ? inv.op.value : op.value,
      invokeIndex: inv.at,
      completeIndex: op.type === "info" ? Infinity : at,
      index: op.index,
    });
  }
  for (const { op, at } of open.values()) out.push(pendingAsInfo(op, at));
  return out;
}

function pendingAsInfo(op: RecordedOp, at: number): PairedOp {
  return { process: op.process, f: op.f, type: "info", invokeValue: op.value, value: op.value, invokeIndex: at, completeIndex: Infinity, index: op.index };
}
