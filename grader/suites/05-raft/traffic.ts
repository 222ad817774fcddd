/**
 * Who sent whom what, for failure reports: per directed link, when each message was sent and the
 * last two messages themselves. The grader never interprets a learner's messages (their format is
 * the learner's own); a report quotes them, so that "never committed" can show which node answered
 * which request, and with what.
 */
import type { Json, NodeId } from "../../sim/api.js";
import type { InFlight } from "../../sim/simulation.js";

interface Link {
  times: number[];
  last: { time: number; msg: Json }[];
}

/** Longest quotation of one message in a report. */
const QUOTE_CHARS = 220;

export class Traffic {
  private readonly links = new Map<string, Link>();

  constructor(private readonly now: () => number) {}

  /** Records a message as it is sent (called for every send, so it stays cheap: no copying). */
  sent(m: InFlight): void {
    const key = `${m.from}>${m.to}`;
    let link = this.links.get(key);
    if (link === undefined) {
      link = { times: [], last: [] };
      this.links.set(key, link);
    }
    link.times.push(this.now());
    link.last.push({ time: this.now(), msg: m.msg });
    if (link.last.length > 2) link.last.shift();
  }

  /** Messages sent from `from` to `to` at or after `since`. */
  count(from: NodeId, to: NodeId, since: number): number {
    const times = this.links.get(`${from}>${to}`)?.times ?? [];
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((times[mid] as number) < since) lo = mid + 1;
      else hi = mid;
    }
    return times.length - lo;
  }

  /** The last message `from` sent `to` at or after `since`, quoted, with its time; null if none. */
  last(from: NodeId, to: NodeId, since: number): string | null {
    const last = this.links.get(`${from}>${to}`)?.last ?? [];
    const m = last[last.length - 1];
    if (m === undefined || m.time < since) return null;
    return `at t=${m.time}ms: ${quote(m.msg)}`;
  }

  /**
   * One line on the exchange between `a` (who asks) and `b` since `since`: how many messages each
   * way and what `b` said last, e.g. "n1 sent n3 41 messages, n3 answered 41 times, last at t=..: {...}".
   */
  exchange(a: NodeId, b: NodeId, since: number): string {
    const ab = this.count(a, b, since);
    const ba = this.count(b, a, since);
    const lastAsk = this.last(a, b, since);
    const lastAnswer = this.last(b, a, since);
    const asked = `${a} sent ${b} ${ab} message${ab === 1 ? "" : "s"}${lastAsk ? ` (the last ${lastAsk})` : ""}`;
    const answered = ba === 0 ? `${b} sent ${a} nothing` : `${b} sent ${a} ${ba} (the last ${lastAnswer})`;
    return `${asked}; ${answered}`;
  }
}

function quote(msg: Json): string {
  const text = JSON.stringify(msg) ?? String(msg);
  return text.length <= QUOTE_CHARS ? text : `${text.slice(0, QUOTE_CHARS)}...`;
}
