/**
 * Explaining a channel test's failure from what the trace shows (which packets carried which message,
 * when, and what arrived), so that a message names the cause the trace supports, not a guess.
 */
import type { ChannelChecker, SentMessage } from "./channel-checker.js";
import type { NodeId } from "../../sim/api.js";
import { type Packet, type PacketLog, quantile } from "./packet-log.js";

/**
 * The channels sent packets in [from, until), when they should have been quiet: says whether they were
 * still delivering (and how late, against the handout's deadline) or repeated what was delivered.
 */
export function quietFailure(log: PacketLog, checker: ChannelChecker, from: number, until: number, healedAt: number): string {
  const packets = log.sentBetween(from, until);
  const head = `the channels sent ${packets.length} packets between t=${from}ms and t=${until}ms, when they should have been quiet`;
  const messages = checker.latestStreams().flat();
  const late = messages.filter((m) => (m.deliveredAt ?? Infinity) >= from);
  if (late.length > 0) {
    const last = late.reduce((a, b) => ((b.deliveredAt ?? Infinity) > (a.deliveredAt ?? Infinity) ? b : a));
    const first = late.reduce((a, b) => (b.sentAt < a.sentAt ? b : a));
    const times = log.carrying(first.token).filter((p) => p.from === first.from).map((p) => Math.round(p.sentAt));
    const maxGap = Math.max(0, ...times.slice(1).map((time, i) => time - (times[i] as number)));
    const shown = times.length > 12 ? [...times.slice(0, 5), "...", ...times.slice(-5)] : times;
    const runs = new Map<string, number[]>();
    for (const m of late) runs.set(`${m.from}>${m.to}`, [...(runs.get(`${m.from}>${m.to}`) ?? []), m.index]);
    const which = [...runs].map(([link, idx]) => `${link.replace(">", " to ")}: ${describeRange(idx)}`).join("; ");
    return (
      `${head}: ${late.length} messages were still not delivered at t=${from}ms (${which}); the last arrived at t=${Math.round(last.deliveredAt as number)}ms, ${Math.round((last.deliveredAt as number) - healedAt)}ms after the network healed at t=${healedAt}ms. ` +
      `The handout asks for delivery within 4 s of the heal. ${first.from} sent message ${first.index} to ${first.to} (handed over at t=${Math.round(first.sentAt)}ms) at t=${shown.join(", ")}ms` +
      (maxGap > 1500
        ? `, waiting up to ${maxGap}ms between copies: cap the retransmission timeout at about a second, and bring it back down when acks make progress`
        : ": with the network healthy, repair losses within a few round trips")
    );
  }
  const lastDelivery = Math.max(...messages.map((m) => m.deliveredAt ?? 0));
  const data = packets.filter((p) => p.tokens.length > 0);
  const byLink = new Map<string, number>();
  for (const p of packets) byLink.set(`${p.from} to ${p.to}`, (byLink.get(`${p.from} to ${p.to}`) ?? 0) + 1);
  return (
    `${head}: every message had been delivered by t=${Math.round(lastDelivery)}ms, yet ${data.length} of them carried messages already delivered and ${packets.length - data.length} carried no data ` +
    `(${[...byLink].map(([link, n]) => `${n} from ${link}`).join(", ")}). ` +
    (data.length > 0
      ? "Stop retransmitting a message once the receiver has acknowledged it"
      : "A channel with nothing unacknowledged must send nothing: no keep-alives, no periodic acks")
  );
}

/** "138-149" or "3, 7, 9-12". */
function describeRange(indices: readonly number[]): string {
  const sorted = [...indices].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && (sorted[j + 1] as number) === (sorted[j] as number) + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.length > 6 ? `${parts.slice(0, 6).join(", ")}, ...` : parts.join(", ");
}

/** What the trace shows about a message that never arrived: never sent, always lost, or received and dropped. */
export function explainUndelivered(log: PacketLog, m: Readonly<SentMessage>, settleAt: number, checker: ChannelChecker, now: number): string {
  const copies = log.carrying(m.token).filter((p) => p.from === m.from && p.to === m.to);
  if (copies.length === 0) {
    const repeats = log.link(m.from, m.to).filter((p) => p.sentAt >= settleAt && p.tokens.some((k) => checker.messageOf(k)?.deliveredAt !== undefined));
    const answers = log.link(m.to, m.from).filter((p) => p.sentAt >= settleAt);
    if (repeats.length > 0 && answers.length === 0) {
      return (
        `No packet carrying it ever left ${m.from}. After the network healed at t=${settleAt}ms, ${m.from} sent ${m.to} ${repeats.length} packets carrying messages ${m.to} had already delivered, and ${m.to} answered none of them: ` +
        "a duplicate usually means the ack was lost, so acknowledge it again (the sender's window stays full until it hears)"
      );
    }
    return `No packet carrying it ever left ${m.from}: the channel kept it queued (is the window measured from what acks cover, and do acks reopen it?)`;
  }
  const arrived = copies.filter((p) => p.arrivals.length > 0);
  const last = copies[copies.length - 1] as (typeof copies)[number];
  const first = copies[0] as (typeof copies)[number];
  if (now - first.sentAt < 2000 && first.sentAt - m.sentAt > 1000) {
    const r = retransmissions(log, m.from, m.to);
    return (
      `It left ${m.from} only at t=${Math.round(first.sentAt)}ms, ${Math.round(first.sentAt - m.sentAt)}ms after the application handed it over: the window was full, and the stream had fallen behind. ` +
      `${m.from} resent a lost message a median of ${Math.round(r.medianGapMs)}ms after the previous copy, while round trips took a median of ${Math.round(r.medianRttMs)}ms: ` +
      "every loss stalls the window for that long, so keep the timeout just above a round trip, and bring it back to that whenever an ack makes progress"
    );
  }
  if (arrived.length === 0) {
    const link = log.link(m.from, m.to);
    const afterHeal = link.filter((p) => p.sentAt >= settleAt);
    const lost = `${m.from} sent it ${copies.length} time${copies.length === 1 ? "" : "s"} and every copy was lost (the last at t=${Math.round(last.sentAt)}ms)`;
    if (afterHeal.length > 0 && last.sentAt >= settleAt) return `${lost}: keep retransmitting a message until an ack for this incarnation covers it`;
    if (afterHeal.length > 0) {
      return (
        `${lost}; after the network healed at t=${settleAt}ms ${m.from} sent ${m.to} ${afterHeal.length} more packets but never this message again: ` +
        `either it stopped retransmitting it, or an ack led it to believe ${m.to} had it (an ack must cover only what the receiver has delivered, or name exactly what it holds)`
      );
    }
    // Distinct send times: a sender that resends its whole window at once sends a burst at one time.
    const before = [...new Set(link.filter((p) => p.sentAt < settleAt).map((p) => Math.round(p.sentAt)))].slice(-5);
    const gaps = before.slice(1).map((time, i) => time - (before[i] as number));
    const growing = gaps.length >= 2 && gaps.every((g, i) => i === 0 || g > (gaps[i - 1] as number)) && (gaps[gaps.length - 1] as number) > 1500;
    return (
      `${lost}, and after the network healed at t=${settleAt}ms ${m.from} sent ${m.to} nothing at all (its last packets to ${m.to} went out at t=${before.join(", ")}ms)` +
      (growing
        ? `: the gaps grew to ${gaps[gaps.length - 1]}ms and kept doubling, so the sender slept through the heal. Cap the retransmission timeout at about a second`
        : ": keep retransmitting a message until an ack for this incarnation covers it")
    );
  }
  const otherStreams = [...new Set(log.link(m.from, m.to).length > 0 ? log.destinationsOf(m.from) : [])].filter((d) => d !== m.to);
  const numbering =
    otherStreams.length > 0
      ? `, or it waits for a sequence number that will never come (${m.from} also sends to ${otherStreams.join(", ")}: number each destination's stream on its own)`
      : "";
  const firstArrival = Math.min(...arrived.map((p) => p.arrivals[0] as number));
  return (
    `${m.to} received ${arrived.length} of the ${copies.length} packets carrying it (the first at t=${Math.round(firstArrival)}ms) and every earlier message of the stream had been delivered, yet it never delivered this one: ` +
    `the receiver took it for a duplicate or dropped it${numbering}${m.epoch > 1 ? ` (${m.from} had restarted: its new incarnation numbers messages from the start again, and the receiver must tell that from old duplicates)` : ""}`
  );
}

/** How the retransmissions of one direction's data went, judged from the trace alone. */
interface Retransmissions {
  /** Data packets sent, and how many of them repeated a message already sent. */
  data: number;
  repeats: number;
  /** Repeats sent while an earlier copy was still in flight, or had arrived and its reply was still on its way back. */
  premature: number;
  /** Repeats sent after an earlier copy had arrived and the receiver's next packet back had reached the sender. */
  afterReply: number;
  /** Repeats that replaced copies that were all lost (or whose replies were lost). */
  needed: number;
  /** Median time between a message's first transmission and its second. */
  medianGapMs: number;
  /** Round trips seen: a data packet's send to the arrival of the receiver's next packet back. */
  medianRttMs: number;
  maxRttMs: number;
}

/** Classifies every data packet from `from` to `to` (packets carrying one of the grader's payloads). */
function retransmissions(log: PacketLog, from: NodeId, to: NodeId): Retransmissions {
  const r: Retransmissions = { data: 0, repeats: 0, premature: 0, afterReply: 0, needed: 0, medianGapMs: NaN, medianRttMs: NaN, maxRttMs: NaN };
  const replyArrival = (arrived: number): number => {
    const reply = log.firstReply(from, to, arrived);
    return reply?.arrivals[0] ?? Infinity;
  };
  const gaps: number[] = [];
  const rtts: number[] = [];
  const earlier = new Map<string, Packet[]>();
  for (const p of log.link(from, to)) {
    if (p.tokens.length === 0) continue;
    r.data++;
    const arrived = p.arrivals[0];
    if (arrived !== undefined) {
      const back = replyArrival(arrived);
      if (back !== Infinity) rtts.push(back - p.sentAt);
    }
    // A packet repeats a message if any token it carries was sent before; judge it by its first such token.
    const token = p.tokens.find((k) => earlier.has(k));
    for (const k of p.tokens) {
      const list = earlier.get(k);
      if (list) list.push(p);
      else earlier.set(k, [p]);
    }
    if (token === undefined) continue;
    const copies = (earlier.get(token) as Packet[]).slice(0, -1);
    r.repeats++;
    if (copies.length === 1) gaps.push(p.sentAt - (copies[0] as Packet).sentAt);
    let verdict: "premature" | "afterReply" | "needed" = "needed";
    for (const c of copies) {
      const first = c.arrivals[0];
      if (first === undefined) continue; // lost
      const back = first > p.sentAt ? -1 : replyArrival(first);
      if (back === -1 || (back > p.sentAt && back !== Infinity)) {
        verdict = "premature"; // still in flight, or its reply still on its way back
        break;
      }
      if (back <= p.sentAt) verdict = "afterReply";
    }
    r[verdict]++;
  }
  r.medianGapMs = quantile(gaps, 0.5);
  r.medianRttMs = quantile(rtts, 0.5);
  r.maxRttMs = quantile(rtts, 1);
  return r;
}

/**
 * Says what used a traffic budget up, from the counts, and names the cause the counts support:
 * a retransmission timeout shorter than the round trip, retransmissions the receiver's replies should
 * have stopped, or too many acks.
 */
export function explainTraffic(log: PacketLog, links: readonly (readonly [NodeId, NodeId])[]): string {
  const parts: string[] = [];
  let premature = 0;
  let afterReply = 0;
  let repeats = 0;
  let data = 0;
  let control = 0;
  let worst: { from: NodeId; to: NodeId; r: Retransmissions } | undefined;
  for (const [from, to] of links) {
    const r = retransmissions(log, from, to);
    data += r.data;
    repeats += r.repeats;
    premature += r.premature;
    afterReply += r.afterReply;
    control += log.link(from, to).filter((p) => p.tokens.length === 0).length;
    if (worst === undefined || r.premature > worst.r.premature) worst = { from, to, r };
  }
  parts.push(
    `${data} packets carried data (${repeats} of them repeats of a message already sent) and ${control} carried none (acks)`,
  );
  if (repeats > 0) {
    parts.push(
      `of the repeats, ${premature} went out before an earlier copy could have been acknowledged (it was still in flight, or had arrived and the receiver's reply was still on its way back), ` +
        `${afterReply} after an earlier copy had arrived and the receiver's reply had reached the sender, and ${repeats - premature - afterReply} replaced copies that were lost`,
    );
  }
  let cause: string;
  if (worst !== undefined && premature >= afterReply && premature > 0) {
    const r = worst.r;
    cause =
      `${worst.from} sent a message again a median of ${Math.round(r.medianGapMs)}ms after sending it, but round trips to ${worst.to} took a median of ${Math.round(r.medianRttMs)}ms and up to ${Math.round(r.maxRttMs)}ms: ` +
      `the retransmission timeout is shorter than a round trip, so it resends what is already on its way. Start it above the longest round trip the network can have (see the handout's latencies), or measure round trips and set it from them`;
  } else if (afterReply > 0 && afterReply >= repeats / 4) {
    cause =
      "the receiver already had those messages and had replied, yet they were sent again: acknowledge what you hold out of order too, read acks that way, and never send past what the receiver will buffer (a packet it drops must be sent again)";
  } else if (control > data) {
    cause = "more packets carried acks than data: acknowledge each data packet once (re-ack duplicates), and send nothing when there is nothing to acknowledge";
  } else {
    cause = "retransmit only what is unacknowledged, and not before a round trip could have completed";
  }
  return `In the trace, ${parts.join("; ")}. So: ${cause}`;
}
