/**
 * The trace viewer's model: a trace (grader/sim/trace.ts, format "ds-course-trace" version 1) turned
 * into what the diagram draws (lanes, message arrows, fault bands, ticks, client operations) with
 * everything sorted by time, so the renderer can find what is visible by binary search and draw
 * only that. No DOM use: the browser bundle imports it, and so do the repo's tests.
 */
import { TRACE_FORMAT, TRACE_VERSION } from "../../sim/trace.js";

export { TRACE_FORMAT, TRACE_VERSION };

/**
 * A trace event as the viewer reads it: the fields grader/sim/trace.ts writes, none of them trusted
 * to have the type the format says (a learner's code helped write the trace). Every number the
 * diagram lays out goes through `finite`, and every string reaches the page as text.
 */
export type LooseEvent = { readonly type: string; readonly [field: string]: any };

/** A parsed trace: the header's fields (as untrusted as the events) and the events. */
export interface LooseTrace {
  format: string;
  version: number;
  lab?: unknown;
  test?: unknown;
  seed?: unknown;
  nodes?: unknown;
  failure?: any;
  faults?: unknown;
  choices?: unknown;
  events: LooseEvent[];
}

/** The failure a trace reports, when it is an object. */
export interface LooseFailure {
  readonly message?: unknown;
  readonly time?: unknown;
  readonly node?: unknown;
  readonly ops?: unknown;
}

export function parseTraceText(text: string): LooseTrace {
  const trace: unknown = JSON.parse(text);
  if (trace === null || typeof trace !== "object" || (trace as { format?: unknown }).format !== TRACE_FORMAT) {
    throw new Error(`not a course trace (format is ${trace && typeof trace === "object" ? String((trace as { format?: unknown }).format) : typeof trace})`);
  }
  const version = (trace as { version?: unknown }).version;
  if (version !== TRACE_VERSION) throw new Error(`trace version ${String(version)} is not supported (this viewer reads version ${TRACE_VERSION})`);
  if (!Array.isArray((trace as { events?: unknown }).events)) throw new Error("the trace has no events array");
  return trace as LooseTrace;
}

/**
 * A number the diagram lays out (a time, a duration): the trace's value through Number(), or
 * `fallback` when that is not finite. A trace is data a learner's code helped write, so nothing in
 * it is trusted to have the type the format says.
 */
export function finite(value: unknown, fallback = 0): number {
  if (value === null || value === undefined || value === "" || typeof value === "object" || typeof value === "symbol") return fallback;
  const n = Number(value);
  return Number.isFinite(n) ? n : fallback;
}

/** The failure's time as a number, or undefined when the trace gives none (or something not a number). */
export function failureTimeOf(failure: unknown): number | undefined {
  if (failure === null || typeof failure !== "object") return undefined;
  const t = finite((failure as LooseFailure).time, Number.NaN);
  return Number.isNaN(t) ? undefined : t;
}

/** A partition's groups as lists of node ids, whatever shape the trace gave them. */
export function nodeGroups(groups: unknown): string[][] {
  if (!Array.isArray(groups)) return [];
  return groups.map((g) => (Array.isArray(g) ? g : [g]));
}

/** The message's type for filtering: its `type` field when it has one. */
export function messageType(msg: unknown): string {
  if (msg !== null && typeof msg === "object" && !Array.isArray(msg)) {
    const type = (msg as Record<string, unknown>).type ?? (msg as Record<string, unknown>).kind;
    if (typeof type === "string") return type;
  }
  return Array.isArray(msg) ? "array" : typeof msg;
}

/** The lane an event belongs on (a send on its sender's, a delivery or drop on its receiver's). */
export function laneOf(e: LooseEvent): string | undefined {
  if (e.node !== undefined) return e.node;
  if (e.type === "send") return e.from;
  if (e.type === "deliver" || e.type === "drop" || e.type === "duplicate") return e.to;
  return undefined;
}

/** The first index whose value is >= `value`. */
export function lowerBound(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose value is > `value`. */
export function upperBound(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A message and what became of it (event indices). */
export interface MessageInfo {
  id: unknown;
  from: string;
  to: string;
  msg: unknown;
  /** Message type id (into `msgTypes`). */
  type: number;
  sendIndex: number;
  t: number;
  deliveries: number[];
  drops: number[];
  duplicates: number[];
}

/** Arrow kinds: delivered, delivered again (a duplicate), dropped. */
export type ArrowKind = 0 | 1 | 2;

/** One arrow per delivery or drop, between lane indices. */
export interface Arrow {
  t0: number;
  t1: number;
  from: number;
  to: number;
  kind: ArrowKind;
  type: number;
  sendIndex: number;
  index: number;
}

/** A node down (crash to restart) or paused, on lane `node`; `index` is the event that began it. */
export interface Band {
  node: number;
  kind: "down" | "paused";
  t0: number;
  t1: number;
  index: number;
}

export interface Partition {
  t0: number;
  t1: number;
  groups: string[][];
  index: number;
}

export interface Block {
  t0: number;
  t1: number;
  from: string;
  to: string;
  index: number;
}

export interface RoleChange {
  t: number;
  term: number;
  role: string;
  index: number;
}

export interface Annotation {
  node: string;
  changes: RoleChange[];
  times: Float64Array;
}

export interface HistoryOp {
  /** Row (index into `processes`). */
  process: number;
  f: unknown;
  value: unknown;
  result: unknown;
  type: string;
  t0: number;
  t1: number | undefined;
  invokeIndex: unknown;
  endIndex: unknown;
  eventIndex: number;
  reported: boolean;
}

export interface History {
  processes: unknown[];
  ops: HistoryOp[];
  opT0: Float64Array;
}

export type Model = ReturnType<typeof buildModel>;

export function buildModel(trace: LooseTrace) {
  const events = trace.events;
  const nodes: string[] = Array.isArray(trace.nodes) ? [...trace.nodes] : [];
  const laneIndex = new Map<string, number>(nodes.map((n, i) => [n, i]));
  const lane = (node: string): number => {
    let i = laneIndex.get(node);
    if (i === undefined) {
      i = nodes.length;
      nodes.push(node);
      laneIndex.set(node, i);
    }
    return i;
  };

  const times = new Float64Array(events.length);
  /** Lane of each event, -1 for none (partitions, notes, ops). */
  const lanes = new Int32Array(events.length);
  /** Message type id of each event, -1 when it is not about a message. */
  const eventMsgType = new Int32Array(events.length);
  const msgTypes: string[] = [];
  const msgTypeIds = new Map<string, number>();
  const typeId = (t: string): number => {
    let id = msgTypeIds.get(t);
    if (id === undefined) {
      id = msgTypes.length;
      msgTypes.push(t);
      msgTypeIds.set(t, id);
    }
    return id;
  };

  const messages = new Map<unknown, MessageInfo>();
  const arrows: Arrow[] = [];
  const bands: Band[] = [];
  const partitions: Partition[] = [];
  const blocks: Block[] = [];
  /** Indices of the events drawn as ticks on lanes, and of notes (drawn on the time axis). */
  const ticks: number[] = [];
  const notes: number[] = [];
  /** Per lane: indices of that node's `log` events, for "log lines around this event". */
  const logsByLane: number[][] = [];

  /** Open crash and pause bands, by node and kind. */
  const open: [Map<unknown, { node: string; kind: "down"; from: number }>, Map<unknown, { node: string; kind: "paused"; from: number }>] = [new Map(), new Map()];
  let openPartition: Omit<Partition, "t1"> | undefined;
  const openBlocks: Omit<Block, "t1">[] = [];
  let end = 0;

  for (let i = 0; i < events.length; i++) {
    const e = events[i] as LooseEvent;
    const t = finite(e.t, i > 0 ? (times[i - 1] as number) : 0);
    times[i] = t;
    if (t > end) end = t;
    const node = laneOf(e);
    lanes[i] = node === undefined ? -1 : lane(node);
    eventMsgType[i] = -1;
    switch (e.type) {
      case "send": {
        lane(e.to);
        const type = typeId(messageType(e.msg));
        eventMsgType[i] = type;
        messages.set(e.id, { id: e.id, from: e.from, to: e.to, msg: e.msg, type, sendIndex: i, t, deliveries: [], drops: [], duplicates: [] });
        break;
      }
      case "deliver":
      case "drop":
      case "duplicate": {
        const m = messages.get(e.id);
        if (m === undefined) break;
        eventMsgType[i] = m.type;
        if (e.type === "duplicate") {
          m.duplicates.push(i);
          ticks.push(i);
          break;
        }
        const kind: ArrowKind = e.type === "drop" ? 2 : m.deliveries.length > 0 ? 1 : 0;
        (e.type === "drop" ? m.drops : m.deliveries).push(i);
        arrows.push({ t0: m.t, t1: t, from: lane(m.from), to: lane(m.to), kind, type: m.type, sendIndex: m.sendIndex, index: i });
        break;
      }
      case "crash":
        // Keyed by the node id itself (not a "node/kind" string: an id may hold a slash).
        open[0].set(e.node, { node: e.node, kind: "down", from: i });
        ticks.push(i);
        break;
      case "pause":
        open[1].set(e.node, { node: e.node, kind: "paused", from: i });
        ticks.push(i);
        break;
      case "restart":
      case "resume": {
        const kinds = open[e.type === "restart" ? 0 : 1];
        const band = kinds.get(e.node);
        if (band !== undefined) {
          bands.push({ node: lane(e.node), kind: band.kind, t0: times[band.from] as number, t1: t, index: band.from });
          kinds.delete(e.node);
        }
        ticks.push(i);
        break;
      }
      case "partition":
        if (openPartition) partitions.push({ ...openPartition, t1: t });
        openPartition = { t0: t, groups: nodeGroups(e.groups), index: i };
        break;
      case "block":
        openBlocks.push({ t0: t, from: e.from, to: e.to, index: i });
        break;
      case "heal":
        if (openPartition) partitions.push({ ...openPartition, t1: t });
        openPartition = undefined;
        for (const b of openBlocks.splice(0)) blocks.push({ ...b, t1: t });
        break;
      case "note":
        notes.push(i);
        break;
      case "op":
        break;
      case "log": {
        const l = lanes[i] as number;
        (logsByLane[l] ??= []).push(i);
        ticks.push(i);
        break;
      }
      default:
        if (node !== undefined) ticks.push(i);
    }
  }
  const failureTime = failureTimeOf(trace.failure);
  if (failureTime !== undefined && failureTime > end) end = failureTime;
  for (const kinds of open) {
    for (const band of kinds.values()) bands.push({ node: lane(band.node), kind: band.kind, t0: times[band.from] as number, t1: end, index: band.from });
  }
  if (openPartition) partitions.push({ ...openPartition, t1: end });
  for (const b of openBlocks) blocks.push({ ...b, t1: end });

  arrows.sort((a, b) => a.t0 - b.t0 || a.index - b.index);
  const arrowT0 = Float64Array.from(arrows, (a) => a.t0);
  let maxArrow = 0;
  for (const a of arrows) if (a.t1 - a.t0 > maxArrow) maxArrow = a.t1 - a.t0;
  const tickTimes = Float64Array.from(ticks, (i) => times[i] as number);
  const failure: LooseFailure | undefined = trace.failure && typeof trace.failure === "object" ? trace.failure : undefined;

  return {
    header: { lab: trace.lab, test: trace.test, seed: trace.seed, failure, faults: trace.faults },
    /** The failure's time as a number (what the diagram draws and jumps to), or undefined. */
    failureTime,
    events,
    nodes,
    laneIndex,
    times,
    lanes,
    eventMsgType,
    msgTypes,
    messages,
    arrows,
    arrowT0,
    maxArrow,
    bands,
    partitions,
    blocks,
    ticks,
    tickTimes,
    notes,
    noteTimes: Float64Array.from(notes, (i) => times[i] as number),
    logsByLane,
    end,
    history: buildHistory(events, trace.failure, times),
    annotations: inferTermsAndRoles(events, nodes, times),
  };
}

/**
 * Client operations from "op" events: each invoke paired with its completion, one row per process.
 * `reported` marks the operations the failure names: `failure.ops` (history indices) if the checker
 * set it, or the "history entries I..J" that the linearizability checker's message quotes.
 * `times`: each event's time (the model's, already numbers).
 */
export function buildHistory(events: readonly LooseEvent[], failure: LooseFailure | undefined, times?: ArrayLike<number>): History {
  const processes: unknown[] = [];
  const rows = new Map<unknown, number>();
  const ops: HistoryOp[] = [];
  const open = new Map<unknown, HistoryOp>();
  const reported = new Set<unknown>(Array.isArray(failure?.ops) ? failure.ops : []);
  if (typeof failure?.message === "string") {
    for (const m of failure.message.matchAll(/history entries (\d+)\.\.(\d+|end)/g)) reported.add(Number(m[1]));
  }
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as LooseEvent;
    if (e.type !== "op" || e.op === null || typeof e.op !== "object") continue;
    const op = e.op;
    const t = finite(op.time, times ? (times[i] as number) : finite(e.t));
    if (!rows.has(op.process)) {
      rows.set(op.process, processes.length);
      processes.push(op.process);
    }
    if (op.type === "invoke") {
      const entry: HistoryOp = { process: rows.get(op.process) as number, f: op.f, value: op.value, result: undefined, type: "pending", t0: t, t1: undefined, invokeIndex: op.index, endIndex: undefined, eventIndex: i, reported: reported.has(op.index) };
      open.set(op.process, entry);
      ops.push(entry);
    } else {
      const entry = open.get(op.process);
      if (entry === undefined) continue;
      open.delete(op.process);
      entry.type = op.type;
      entry.result = op.value;
      entry.t1 = t;
      entry.endIndex = op.index;
      if (reported.has(op.index)) entry.reported = true;
    }
  }
  return { processes, ops, opT0: Float64Array.from(ops, (o) => o.t0) };
}

/**
 * The lab's own annotations, inferred from its messages: for protocols whose messages carry a
 * `term` (Raft), each node's term and role over time. A node that sends a vote request is a
 * candidate in that term, one that sends appends leads it, and one that hears of a higher term
 * follows. Returns an empty list for traces whose messages have no terms.
 * `times`: each event's time (the model's, already numbers).
 */
export function inferTermsAndRoles(events: readonly LooseEvent[], nodes: readonly string[], times?: ArrayLike<number>): Annotation[] {
  const initial = (): RoleChange => ({ t: 0, term: 0, role: "follower", index: -1 });
  const changes = new Map<string, RoleChange[]>(nodes.map((n) => [n, [initial()]]));
  let anyTerm = false;
  const listOf = (node: string): RoleChange[] => {
    let list = changes.get(node);
    if (list === undefined) changes.set(node, (list = [initial()]));
    return list;
  };
  const state = (node: string): RoleChange => {
    const list = listOf(node);
    return list[list.length - 1] as RoleChange;
  };
  const set = (node: string, t: number, term: number, role: string, index: number): void => {
    const now = state(node);
    if (now.term === term && now.role === role) return;
    listOf(node).push({ t, term, role, index });
  };
  const sent = new Map<unknown, unknown>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as LooseEvent;
    const t = times ? (times[i] as number) : finite(e.t);
    if (e.type === "send") {
      sent.set(e.id, e.msg);
      const term = e.msg?.term;
      if (typeof term !== "number") continue;
      anyTerm = true;
      const type = messageType(e.msg);
      const now = state(e.from);
      if (now.role === "down") continue;
      if (/vote$|^request-?vote$|^prevote$/i.test(type) && !/reply|response/i.test(type)) set(e.from, t, term, "candidate", i);
      else if (/^append(-?entries)?$|^heartbeat$|^install-?snapshot$|^snapshot$/i.test(type)) set(e.from, t, term, "leader", i);
      else if (term > now.term) set(e.from, t, term, "follower", i);
    } else if (e.type === "deliver") {
      const msg = sent.get(e.id) as { term?: unknown } | null | undefined;
      const term = msg?.term;
      if (typeof term !== "number") continue;
      const now = state(e.to);
      if (now.role === "down") continue;
      const type = messageType(msg);
      if (term > now.term) set(e.to, t, term, "follower", i);
      else if (term === now.term && now.role === "candidate" && /^append/i.test(type)) set(e.to, t, term, "follower", i);
    } else if (e.type === "crash") {
      set(e.node, t, state(e.node).term, "down", i);
    } else if (e.type === "restart") {
      // Raft persists its term; the role starts over.
      set(e.node, t, state(e.node).term, "follower", i);
    }
  }
  if (!anyTerm) return [];
  return nodes.map((node) => {
    const list = changes.get(node) ?? [];
    return { node, changes: list, times: Float64Array.from(list, (c) => c.t) };
  });
}

/** The annotation of `node` at time `t`. */
export function annotationAt(annotations: readonly Annotation[], node: string, t: number): RoleChange | undefined {
  const entry = annotations.find((a) => a.node === node);
  if (!entry) return undefined;
  return entry.changes[Math.max(0, upperBound(entry.times, t) - 1)];
}

/**
 * A synthetic trace for tests and benchmarks: `count` events over `nodes` nodes with sends,
 * deliveries, drops, duplicates, timers, logs, crashes, partitions and client operations.
 * Deterministic (a small LCG), so a test sees the same trace every time.
 */
export function syntheticTrace(count: number, nodeCount = 5): LooseTrace {
  const nodes = Array.from({ length: nodeCount }, (_, i) => `n${i + 1}`);
  let seed = 12345;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = (list: string[]): string => list[Math.floor(rand() * list.length)] as string;
  const events: LooseEvent[] = nodes.map((node) => ({ t: 0, type: "start", node, incarnation: 1 }));
  const pending: { id: number; from: string; to: string; at: number }[] = [];
  let t = 0;
  let id = 0;
  let opIndex = 0;
  const openOps = new Map<string, boolean>();
  while (events.length < count) {
    t += 1;
    const from = pick(nodes);
    const to = pick(nodes.filter((n) => n !== from));
    const type = pick(["append", "append-reply", "vote", "vote-reply"]);
    id++;
    events.push({ t, type: "send", id, from, to, bytes: 40, msg: { type, term: 1 + Math.floor(t / 5000), seq: id } });
    pending.push({ id, from, to, at: t + 2 + Math.floor(rand() * 15) });
    while (pending.length > 0 && (pending[0] as { at: number }).at <= t) {
      const p = pending.shift() as { id: number; from: string; to: string; at: number };
      const r = rand();
      if (r < 0.05) events.push({ t, type: "drop", id: p.id, from: p.from, to: p.to, reason: "loss" });
      else {
        if (r > 0.98) events.push({ t, type: "duplicate", id: p.id, from: p.from, to: p.to });
        events.push({ t, type: "deliver", id: p.id, from: p.from, to: p.to });
      }
    }
    if (id % 7 === 0) events.push({ t, type: "timer-set", node: from, timer: id, delay: 100, payload: "election" });
    if (id % 11 === 0) events.push({ t, type: "log", node: to, text: `handled message ${id}` });
    if (id % 13 === 0) {
      const process = `c${(id / 13) % 4}`;
      if (openOps.has(process)) {
        openOps.delete(process);
        events.push({ t, type: "op", op: { index: opIndex++, type: rand() < 0.9 ? "ok" : "info", process, f: "write", value: id, time: t } });
      } else {
        openOps.set(process, true);
        events.push({ t, type: "op", op: { index: opIndex++, type: "invoke", process, f: "write", value: id, time: t } });
      }
    }
    if (id % 5000 === 2500) events.push({ t, type: "crash", node: "n3" });
    if (id % 5000 === 3000) events.push({ t, type: "restart", node: "n3", incarnation: 2 });
    if (id % 9000 === 100) events.push({ t, type: "partition", groups: [nodes.slice(0, 2), nodes.slice(2)] });
    if (id % 9000 === 700) events.push({ t, type: "heal" });
  }
  events.length = count;
  return { format: TRACE_FORMAT, version: TRACE_VERSION, lab: "synthetic", test: `synthetic-${count}`, seed: 1, nodes, failure: { message: "synthetic failure for the viewer's tests", time: Math.floor(t / 2), node: "n2" }, events };
}
