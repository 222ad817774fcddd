/**
 * Says what a run that had to be stopped was doing, from counts the event loop keeps in virtual time:
 * its latest events and a histogram of events over virtual time. A run stops like this when it
 * exhausts its event budget or misses its wall-clock deadline, and "too many events" is a symptom;
 * the learner needs the cause:
 * - a message storm: which node sends what, how many per virtual second, to whom, since when, and
 *   how many messages it sends for each event it handles;
 * - a livelock: virtual time has stopped while events keep happening (timers set with no delay,
 *   messages looping at zero latency): which node, doing what, at which time.
 * Only virtual-time counts go in, so the report of a run stopped at its budget is a pure function of
 * the run, like everything else in it.
 */
import type { Json, NodeId } from "./api.js";
import { CALL, DELIVER, TIMER } from "./pending.js";

/** One of the latest events, as the event loop keeps it. */
export interface RecentEvent {
  /** When it ran. */
  time: number;
  /** Whether it was scheduled at the same virtual time it ran (a zero-delay timer or message). */
  madeHere: boolean;
  /** DELIVER, TIMER, ACTION or CALL (pending.ts). */
  kind: number;
  /** The node it ran on (null for a test action). */
  node: NodeId | null;
  /** The sender of a delivery. */
  from: NodeId | null;
  /** Messages sent while it ran. */
  sent: number;
  /** The message or timer payload, kept for one event in every few (a sample, to name message kinds). */
  data?: Json;
}

export interface Activity {
  now: number;
  /** Events handled in the whole run. */
  events: number;
  /** Events handled since virtual time last moved. */
  sinceTimeMoved: number;
  /** The latest events, oldest first. */
  recent: readonly RecentEvent[];
  /** A sample of the messages in flight: what was sent last, whether or not it has arrived yet. */
  inFlight: readonly { from: NodeId; to: NodeId; data: Json }[];
  /** The histogram: events per `bucketMs` of virtual time, from t=0 up to the current bucket. */
  bucketMs: number;
  counts: readonly number[];
}

export interface ActivityReport {
  text: string;
  /** The node the report is about, if one stands out. */
  node?: NodeId;
}

/** Fewer latest events than this say too little about rates to name a storm. */
const ENOUGH = 64;
/** Events at one instant, scheduled at that same instant, that make a livelock. */
const STUCK = 1000;
/** A node sending at least this many messages per virtual second, at the end of a stopped run, is a storm. */
const STORM_RATE = 1000;

export function describeActivity(a: Activity): ActivityReport {
  const recent = a.recent;
  const first = recent[0];
  const last = recent[recent.length - 1];
  if (first === undefined || last === undefined || recent.length < ENOUGH) {
    return { text: `it had handled only ${count(a.events)} events by ${at(a.now)}, so the time went into lab code (a very slow handler?)` };
  }
  if (stuck(a)) return livelock(a);
  return storm(a, Math.max(last.time - first.time, 1));
}

/**
 * Time has stopped when many events have happened at this instant and nearly all of them were
 * scheduled at it too (zero-delay timers, zero-latency messages). A storm's burst that lands on one
 * millisecond is different: those events were scheduled earlier, and time moves on after them.
 */
function stuck(a: Activity): boolean {
  if (a.sinceTimeMoved < STUCK) return false;
  const atThisInstant = a.recent.slice(-Math.min(a.sinceTimeMoved, a.recent.length));
  const madeHere = atThisInstant.filter((e) => e.madeHere).length;
  return madeHere * 10 >= atThisInstant.length * 9;
}

/** Virtual time stood still: name the loop that kept it there. */
function livelock(a: Activity): ActivityReport {
  const loops = new Tally<string>();
  const who = new Map<string, { node: NodeId; text: (kind: string) => string }>();
  const kinds = new Map<string, Tally<string>>();
  for (const e of a.recent.slice(-Math.min(a.sinceTimeMoved, a.recent.length))) {
    const target = e.node;
    if (target === null) continue;
    let key: string;
    if (e.kind === TIMER) {
      key = `timer ${target}`;
      if (!who.has(key)) who.set(key, { node: target, text: () => `${target} kept firing timers set with no delay (a 0 ms timer that sets another)` });
    } else if (e.kind === DELIVER && e.from !== null) {
      const from = e.from;
      const pair = [from, target].sort();
      key = `messages ${pair.join(" ")}`;
      const between = from === target ? `${from} kept sending %s messages to itself` : `${pair.join(" and ")} kept sending %s messages to each other`;
      if (!who.has(key)) who.set(key, { node: from, text: (kind) => `${between.replace("%s", kind)}, arriving with no delay` });
      if (e.data !== undefined) {
        if (!kinds.has(key)) kinds.set(key, new Tally());
        kinds.get(key)?.add(kindOf(e.data));
      }
    } else if (e.kind === CALL) {
      key = `call ${target}`;
      if (!who.has(key)) who.set(key, { node: target, text: () => `the test kept calling into ${target}` });
    } else {
      continue;
    }
    loops.add(key);
  }
  const top = loops.top()[0]?.[0];
  const found = top === undefined ? undefined : who.get(top);
  const kind = (top === undefined ? undefined : kinds.get(top)?.top()[0]?.[0]) ?? "its";
  const what = found?.text(kind) ?? "test actions kept running";
  return {
    text:
      `livelock: virtual time stopped at ${at(a.now)} while events kept happening (${count(a.sinceTimeMoved)} events without time advancing): ${what}. ` +
      "Time advances only between events, so a handler that always schedules another event for the same instant never lets it; " +
      "give the repeated timer or retry a delay, or look for a reply that triggers another send.",
    ...(found ? { node: found.node } : {}),
  };
}

/** Time moves, but something makes events fast: name the busiest sender, or timer, and its rate. */
function storm(a: Activity, spanMs: number): ActivityReport {
  // Messages are counted where they were sent: each event's sends belong to the node that handled it.
  const senders = new Tally<NodeId>();
  const timers = new Tally<NodeId>();
  const handled = new Tally<NodeId>();
  for (const e of a.recent) {
    if (e.node === null) continue;
    handled.add(e.node);
    senders.add(e.node, e.sent);
    if (e.kind === TIMER) timers.add(e.node);
  }
  const perSecond = (n: number) => (n * 1000) / spanMs;
  const since = onset(a, perSecond(a.recent.length));
  const [sender, sent] = senders.top()[0] ?? [undefined, 0];
  const [ticker, ticks] = timers.top()[0] ?? [undefined, 0];
  if (ticker !== undefined && ticks > sent) {
    const rate = perSecond(ticks);
    if (rate < STORM_RATE) return steady(a, `${ticker} fired about ${rounded(rate)} timers per virtual second`, ticker);
    return {
      text:
        `timer storm: ${ticker} fired ${rounded(rate)} timers per virtual second from ${at(since)}; ` +
        "a node needs only a few timers at a time: look for a timer that is set again with a tiny delay, or set on every event",
      node: ticker,
    };
  }
  if (sender === undefined || sent === 0) return steady(a, "no node was sending messages", undefined);
  // What and to whom: its messages in flight, or else those delivered in the window (and sampled).
  const kinds = new Tally<string>();
  const destinations = new Tally<NodeId>();
  let seen = 0;
  for (const m of a.inFlight) {
    if (m.from !== sender) continue;
    seen++;
    destinations.add(m.to);
    kinds.add(kindOf(m.data));
  }
  if (seen === 0) {
    for (const e of a.recent) {
      if (e.kind !== DELIVER || e.from !== sender || e.node === null) continue;
      seen++;
      destinations.add(e.node);
      if (e.data !== undefined) kinds.add(kindOf(e.data));
    }
  }
  const rate = perSecond(sent);
  const kind = kinds.top()[0]?.[0];
  const messages = kind === undefined ? "messages" : `${kind} messages`;
  const to = destinations
    .top()
    .filter(([, n]) => n * 10 >= seen)
    .map(([id]) => id)
    .sort((x, y) => x.length - y.length || (x < y ? -1 : x > y ? 1 : 0));
  const links = to.length === 0 ? `${sender} → ?: none in flight or delivered` : `${sender} → ${to.join(", ")}${to.length < destinations.size ? " mostly" : ""}`;
  if (rate < STORM_RATE) return steady(a, `the busiest sender, ${sender}, sent about ${rounded(rate)} ${messages} per virtual second (${links})`, sender);
  const perEvent = sent / Math.max(1, handled.get(sender));
  const alsoStorming = senders.top().slice(1).filter(([, n]) => n * 4 >= sent).map(([id, n]) => `${id} ${rounded(perSecond(n))}`);
  return {
    text:
      `message storm: ${sender} sent ${rounded(rate)} ${messages} per virtual second from ${at(since)} (${links}), ` +
      `about ${perEvent.toFixed(1)} for each event it handled${alsoStorming.length > 0 ? `; others too (${alsoStorming.join(", ")} per virtual second)` : ""}. ` +
      "A correct node sends a bounded number of messages per event it handles: look for a reply that triggers another send, " +
      "or a message passed on every time it arrives.",
    node: sender,
  };
}

/** No storm: the run was simply long. Say what it was doing all the same. */
function steady(a: Activity, busiest: string, node: NodeId | undefined): ActivityReport {
  return {
    text: `no storm: events came at a steady rate up to ${at(a.now)} (${count(a.events)} in all); ${busiest}`,
    ...(node !== undefined ? { node } : {}),
  };
}

/**
 * When the current burst began: the start of the earliest bucket of the unbroken run of buckets,
 * ending now, busier than the run was before (four times its median busy bucket), or at least a
 * quarter of the latest rate, whichever is lower (so a storm that began at once still has a start).
 */
function onset(a: Activity, latestPerSecond: number): number {
  const busy = a.counts.filter((n) => n > 0).sort((x, y) => x - y);
  const median = busy[Math.floor(busy.length / 2)] ?? 0;
  const quarter = (latestPerSecond / 4) * (a.bucketMs / 1000);
  const threshold = Math.max(1, median > 0 ? Math.min(quarter, 4 * median) : quarter);
  let start = a.counts.length;
  while (start > 0 && (a.counts[start - 1] as number) >= threshold) start--;
  return start * a.bucketMs;
}

/** The message's `type` field in quotes, or else its shape. */
function kindOf(msg: Json): string {
  if (msg !== null && typeof msg === "object" && !Array.isArray(msg)) {
    const type = (msg as Record<string, Json>)["type"];
    if (typeof type === "string") return JSON.stringify(type.length > 40 ? `${type.slice(0, 40)}…` : type);
    const keys = Object.keys(msg).slice(0, 4);
    return `{${keys.join(", ")}${Object.keys(msg).length > 4 ? ", …" : ""}}`;
  }
  if (Array.isArray(msg)) return "array";
  return msg === null ? "null" : typeof msg;
}

/** A virtual time for a message: "t=1,200 ms" (a tenth of a millisecond where it is fractional). */
export function at(t: number): string {
  const whole = Math.trunc(t);
  const tenth = Math.round((t - whole) * 10);
  return `t=${count(whole)}${tenth > 0 ? `.${tenth}` : ""} ms`;
}

/**
 * A count with thousands separators: "2,000,000". Written out rather than toLocaleString, which
 * grading workers tame to plain toString (SES), so that a message reads the same in and out of them.
 */
export function count(n: number): string {
  const digits = String(Math.round(Math.abs(n)));
  let grouped = "";
  for (let i = 0; i < digits.length; i++) grouped += (i > 0 && (digits.length - i) % 3 === 0 ? "," : "") + digits[i];
  return n < 0 ? `-${grouped}` : grouped;
}

/** Two significant figures: rates measured over a window are estimates. */
function rounded(x: number): string {
  if (x < 100) return String(Math.round(x));
  const magnitude = 10 ** (Math.floor(Math.log10(x)) - 1);
  return count(Math.round(x / magnitude) * magnitude);
}

/** Counts per key; `top` is by count, ties in first-seen order (deterministic). */
class Tally<K> {
  private readonly counts = new Map<K, number>();
  get size(): number {
    return this.counts.size;
  }
  add(key: K, n = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }
  get(key: K): number {
    return this.counts.get(key) ?? 0;
  }
  top(): [K, number][] {
    return [...this.counts].sort((x, y) => y[1] - x[1]);
  }
}
