// @ts-check
/**
 * The trace viewer's model: a trace (grader/sim/trace.ts, format "ds-course-trace" version 1) turned
 * into what the diagram draws (lanes, message arrows, fault bands, ticks, client operations) with
 * everything sorted by time, so the renderer can find what is visible by binary search and draw
 * only that. Plain ES module with no DOM use: the browser imports it, and so do the repo's tests.
 */

export const TRACE_FORMAT = "ds-course-trace";
export const TRACE_VERSION = 1;

/** @param {string} text */
export function parseTraceText(text) {
  const trace = JSON.parse(text);
  if (trace === null || typeof trace !== "object" || trace.format !== TRACE_FORMAT) {
    throw new Error(`not a course trace (format is ${trace && typeof trace === "object" ? String(trace.format) : typeof trace})`);
  }
  if (trace.version !== TRACE_VERSION) throw new Error(`trace version ${trace.version} is not supported (this viewer reads version ${TRACE_VERSION})`);
  if (!Array.isArray(trace.events)) throw new Error("the trace has no events array");
  return trace;
}

/**
 * A number the diagram lays out (a time, a duration): the trace's value through Number(), or
 * `fallback` when that is not finite. A trace is data a learner's code helped write, so nothing in
 * it is trusted to have the type the format says.
 * @param {unknown} value @param {number} [fallback]
 */
export function finite(value, fallback = 0) {
  if (value === null || value === undefined || value === "" || typeof value === "object" || typeof value === "symbol") return fallback;
  const n = Number(value);
  return Number.isFinite(n) ? n : fallback;
}

/** The failure's time as a number, or undefined when the trace gives none (or something not a number). @param {any} failure */
export function failureTimeOf(failure) {
  if (failure === null || typeof failure !== "object") return undefined;
  const t = finite(failure.time, NaN);
  return Number.isNaN(t) ? undefined : t;
}

/** A partition's groups as lists of node ids, whatever shape the trace gave them. @param {unknown} groups @returns {string[][]} */
export function nodeGroups(groups) {
  if (!Array.isArray(groups)) return [];
  return groups.map((g) => (Array.isArray(g) ? g : [g]));
}

/** The message's type for filtering: its `type` field when it has one. @param {unknown} msg */
export function messageType(msg) {
  if (msg !== null && typeof msg === "object" && !Array.isArray(msg)) {
    const type = /** @type {Record<string, unknown>} */ (msg).type ?? /** @type {Record<string, unknown>} */ (msg).kind;
    if (typeof type === "string") return type;
  }
  return Array.isArray(msg) ? "array" : typeof msg;
}

/** The lane an event belongs on (a send on its sender's, a delivery or drop on its receiver's). @param {any} e */
export function laneOf(e) {
  if (e.node !== undefined) return e.node;
  if (e.type === "send") return e.from;
  if (e.type === "deliver" || e.type === "drop" || e.type === "duplicate") return e.to;
  return undefined;
}

/** @param {ArrayLike<number>} sorted @param {number} value first index whose value is >= value */
export function lowerBound(sorted, value) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (/** @type {number} */ (sorted[mid]) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** @param {ArrayLike<number>} sorted @param {number} value first index whose value is > value */
export function upperBound(sorted, value) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (/** @type {number} */ (sorted[mid]) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * @param {any} trace a parsed trace
 */
export function buildModel(trace) {
  /** @type {any[]} */
  const events = trace.events;
  const nodes = Array.isArray(trace.nodes) ? [...trace.nodes] : [];
  const laneIndex = new Map(nodes.map((n, i) => [n, i]));
  const lane = (/** @type {string} */ node) => {
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
  /** @type {string[]} */
  const msgTypes = [];
  const msgTypeIds = new Map();
  const typeId = (/** @type {string} */ t) => {
    let id = msgTypeIds.get(t);
    if (id === undefined) {
      id = msgTypes.length;
      msgTypes.push(t);
      msgTypeIds.set(t, id);
    }
    return id;
  };

  /** @type {Map<number, {id:number, from:string, to:string, msg:any, type:number, sendIndex:number, t:number, deliveries:number[], drops:number[], duplicates:number[]}>} */
  const messages = new Map();
  /** Arrows: one per delivery or drop. Kinds: 0 delivered, 1 delivered again (a duplicate), 2 dropped. */
  /** @type {{t0:number, t1:number, from:number, to:number, kind:number, type:number, sendIndex:number, index:number}[]} */
  const arrows = [];
  /** @type {{node:number, kind:"down"|"paused", t0:number, t1:number, index:number}[]} */
  const bands = [];
  /** @type {{t0:number, t1:number, groups:string[][], index:number}[]} */
  const partitions = [];
  /** @type {{t0:number, t1:number, from:string, to:string, index:number}[]} */
  const blocks = [];
  /** Indices of the events drawn as ticks on lanes, and of notes (drawn on the time axis). */
  const ticks = [];
  const notes = [];
  /** Per lane: indices of that node's `log` events, for "log lines around this event". */
  /** @type {number[][]} */
  const logsByLane = [];

  /** Open crash and pause bands, by node and kind. @type {Map<any, {node:any, kind:"down"|"paused", from:number}>[]} */
  const open = [new Map(), new Map()];
  let openPartition = /** @type {any} */ (undefined);
  /** @type {any[]} */
  const openBlocks = [];
  let end = 0;

  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const t = finite(e.t, i > 0 ? times[i - 1] : 0);
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
        const kind = e.type === "drop" ? 2 : m.deliveries.length > 0 ? 1 : 0;
        (e.type === "drop" ? m.drops : m.deliveries).push(i);
        arrows.push({ t0: m.t, t1: t, from: lane(m.from), to: lane(m.to), kind, type: m.type, sendIndex: m.sendIndex, index: i });
        break;
      }
      case "crash":
      case "pause": {
        // Keyed by the node id itself (not a "node/kind" string: an id may hold a slash).
        const kind = e.type === "crash" ? "down" : "paused";
        /** @type {Map<any, any>} */ (open[kind === "down" ? 0 : 1]).set(e.node, { node: e.node, kind, from: i });
        ticks.push(i);
        break;
      }
      case "restart":
      case "resume": {
        const kinds = /** @type {Map<any, any>} */ (open[e.type === "restart" ? 0 : 1]);
        const band = kinds.get(e.node);
        if (band !== undefined) {
          bands.push({ node: lane(e.node), kind: band.kind, t0: times[band.from], t1: t, index: band.from });
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
        const l = lanes[i];
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
    for (const band of kinds.values()) bands.push({ node: lane(band.node), kind: band.kind, t0: times[band.from], t1: end, index: band.from });
  }
  if (openPartition) partitions.push({ ...openPartition, t1: end });
  for (const b of openBlocks) blocks.push({ ...b, t1: end });

  arrows.sort((a, b) => a.t0 - b.t0 || a.index - b.index);
  const arrowT0 = Float64Array.from(arrows, (a) => a.t0);
  let maxArrow = 0;
  for (const a of arrows) if (a.t1 - a.t0 > maxArrow) maxArrow = a.t1 - a.t0;
  const tickTimes = Float64Array.from(ticks, (i) => times[i]);

  return {
    header: { lab: trace.lab, test: trace.test, seed: trace.seed, failure: trace.failure && typeof trace.failure === "object" ? trace.failure : undefined, faults: trace.faults },
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
    noteTimes: Float64Array.from(notes, (i) => times[i]),
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
 * @param {any[]} events @param {any} failure @param {ArrayLike<number>} [times] each event's time (the model's, already numbers)
 */
export function buildHistory(events, failure, times) {
  /** @type {string[]} */
  const processes = [];
  const rows = new Map();
  /** @type {{process:number, f:string, value:any, result:any, type:string, t0:number, t1:number|undefined, invokeIndex:number, endIndex:number|undefined, eventIndex:number, reported:boolean}[]} */
  const ops = [];
  const open = new Map();
  const reported = new Set(Array.isArray(failure?.ops) ? failure.ops : []);
  if (typeof failure?.message === "string") {
    for (const m of failure.message.matchAll(/history entries (\d+)\.\.(\d+|end)/g)) reported.add(Number(m[1]));
  }
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.type !== "op" || e.op === null || typeof e.op !== "object") continue;
    const op = e.op;
    const t = finite(op.time, times ? /** @type {number} */ (times[i]) : finite(e.t));
    if (!rows.has(op.process)) {
      rows.set(op.process, processes.length);
      processes.push(op.process);
    }
    if (op.type === "invoke") {
      const entry = { process: rows.get(op.process), f: op.f, value: op.value, result: undefined, type: "pending", t0: t, t1: undefined, invokeIndex: op.index, endIndex: undefined, eventIndex: i, reported: reported.has(op.index) };
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
 * @param {any[]} events @param {string[]} nodes @param {ArrayLike<number>} [times] each event's time (the model's, already numbers)
 */
export function inferTermsAndRoles(events, nodes, times) {
  /** @type {Map<string, {t:number, term:number, role:string, index:number}[]>} */
  const changes = new Map(nodes.map((n) => [n, [{ t: 0, term: 0, role: "follower", index: -1 }]]));
  let anyTerm = false;
  const state = (/** @type {string} */ node) => {
    let list = changes.get(node);
    if (list === undefined) changes.set(node, (list = [{ t: 0, term: 0, role: "follower", index: -1 }]));
    return /** @type {{t:number, term:number, role:string, index:number}} */ (list[list.length - 1]);
  };
  const set = (/** @type {string} */ node, /** @type {number} */ t, /** @type {number} */ term, /** @type {string} */ role, /** @type {number} */ index) => {
    const now = state(node);
    if (now.term === term && now.role === role) return;
    /** @type {any[]} */ (changes.get(node)).push({ t, term, role, index });
  };
  const sent = new Map();
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    const t = times ? /** @type {number} */ (times[i]) : finite(e.t);
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
      const msg = sent.get(e.id);
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

/**
 * The annotation of `node` at time `t`.
 * @param {{node:string, changes:{t:number, term:number, role:string}[], times:Float64Array}[]} annotations
 * @param {string} node @param {number} t
 */
export function annotationAt(annotations, node, t) {
  const entry = annotations.find((a) => a.node === node);
  if (!entry) return undefined;
  return entry.changes[Math.max(0, upperBound(entry.times, t) - 1)];
}

/**
 * A synthetic trace for tests and benchmarks: `count` events over `nodes` nodes with sends,
 * deliveries, drops, duplicates, timers, logs, crashes, partitions and client operations.
 * Deterministic (a small LCG), so a test sees the same trace every time.
 * @param {number} count @param {number} nodeCount
 */
export function syntheticTrace(count, nodeCount = 5) {
  const nodes = Array.from({ length: nodeCount }, (_, i) => `n${i + 1}`);
  let seed = 12345;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = (/** @type {string[]} */ list) => /** @type {string} */ (list[Math.floor(rand() * list.length)]);
  /** @type {any[]} */
  const events = nodes.map((node) => ({ t: 0, type: "start", node, incarnation: 1 }));
  const pending = [];
  let t = 0;
  let id = 0;
  let opIndex = 0;
  const openOps = new Map();
  while (events.length < count) {
    t += 1;
    const from = pick(nodes);
    const to = pick(nodes.filter((n) => n !== from));
    const type = pick(["append", "append-reply", "vote", "vote-reply"]);
    id++;
    events.push({ t, type: "send", id, from, to, bytes: 40, msg: { type, term: 1 + Math.floor(t / 5000), seq: id } });
    pending.push({ id, from, to, at: t + 2 + Math.floor(rand() * 15) });
    while (pending.length > 0 && /** @type {any} */ (pending[0]).at <= t) {
      const p = /** @type {{id:number, from:string, to:string, at:number}} */ (pending.shift());
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
