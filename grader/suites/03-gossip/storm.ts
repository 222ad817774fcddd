/**
 * Part A's traffic budget, checked at every step: the nodes together may send at most
 * `perBroadcastPerLink` messages per broadcast per link plus `perNodePerSecond` per node per second.
 * Over budget, the failure names what a storm is made of: the busiest sender, the kind of message it
 * floods with, its rate and since when, and how many new values it delivered meanwhile (a node that
 * sends fast while learning nothing new is re-forwarding copies or syncing too often).
 */
import type { Json, NodeId } from "../../sim/api.js";
import type { Simulation } from "../../sim/simulation.js";
import type { TestContext } from "../../runner/suite.js";

export const STORM = { perBroadcastPerLink: 4, perNodePerSecond: 20, slack: 100 } as const;

const WINDOW_MS = 1000;

interface Sender {
  /** Send times and kinds within the last WINDOW_MS. */
  recent: { at: number; kind: string }[];
  /** Start of the current stretch above perNodePerSecond, or null when below. */
  aboveSince: number | null;
  delivered: number[];
}

/** A message's kind as the learner named it: its `type` (or `kind`) field if it is a string. */
function kindOf(msg: Json): string {
  if (msg !== null && typeof msg === "object" && !Array.isArray(msg)) {
    for (const field of ["type", "kind"]) {
      const v = (msg as Record<string, Json>)[field];
      if (typeof v === "string") return `"${v}"`;
    }
  }
  return "";
}

const ms = (t: number) => `${Math.round(t).toLocaleString("en-US")} ms`;

/** What the traffic-budget figure is called: the most of the budget the nodes had used at any step. */
const BUDGET_FIGURE = "share of the traffic budget used";

export class StormWatch {
  private readonly senders = new Map<NodeId, Sender>();
  /** The largest messages-sent / budget ratio seen at any step so far. */
  private peakShare = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly t: TestContext,
    private readonly where: { kind: string; nodes: number; links: number },
    private readonly broadcasts: () => number,
  ) {
    sim.afterEachStep(() => this.check());
  }

  private sender(id: NodeId): Sender {
    let s = this.senders.get(id);
    if (s === undefined) this.senders.set(id, (s = { recent: [], aboveSince: null, delivered: [] }));
    return s;
  }

  private trim(s: Sender): void {
    const from = this.sim.now - WINDOW_MS;
    while ((s.recent[0]?.at ?? Infinity) <= from) s.recent.shift();
    while ((s.delivered[0] ?? Infinity) <= from) s.delivered.shift();
  }

  /** Called for every message a node sends. */
  sent(from: NodeId, msg: Json): void {
    const s = this.sender(from);
    this.trim(s);
    s.recent.push({ at: this.sim.now, kind: kindOf(msg) });
    const above = s.recent.length > STORM.perNodePerSecond;
    if (above && s.aboveSince === null) s.aboveSince = this.sim.now;
    if (!above) s.aboveSince = null;
  }

  /** Records the peak share of the budget used; the check itself runs at every step. */
  measure(): void {
    this.t.measure(BUDGET_FIGURE, this.peakShare, { atMost: 1, unit: "of the budget" });
  }

  /** Called for every value a node delivers. */
  delivered(at: NodeId): void {
    this.sender(at).delivered.push(this.sim.now);
  }

  private check(): void {
    const { sim } = this;
    const { kind, nodes, links } = this.where;
    const budget = STORM.perBroadcastPerLink * links * this.broadcasts() + (STORM.perNodePerSecond * nodes * sim.now) / 1000 + STORM.slack;
    this.peakShare = Math.max(this.peakShare, sim.stats.sent / budget);
    if (sim.stats.sent <= budget) return;
    this.measure();
    let busiest: [NodeId, Sender] | null = null;
    for (const entry of this.senders) {
      this.trim(entry[1]);
      if (busiest === null || entry[1].recent.length > busiest[1].recent.length) busiest = entry;
    }
    const [node, s] = busiest as [NodeId, Sender];
    const byKind = new Map<string, number>();
    for (const r of s.recent) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1);
    const [top, count] = [...byKind].sort((a, b) => b[1] - a[1])[0] ?? ["", 0];
    const what = top === "" ? "messages" : `${top} messages`;
    const learnt = s.delivered.length;
    this.t.fail(
      `message storm: ${node} sent ${count} ${what} per second from t=${ms(s.aboveSince ?? sim.now)} (${s.recent.length} messages in the second before t=${ms(sim.now)}, ` +
        `while it delivered ${learnt === 0 ? "no new value" : learnt === 1 ? "1 new value" : `${learnt} new values`}). ` +
        `By then the nodes had sent ${sim.stats.sent} messages for ${this.broadcasts()} broadcasts on a ${kind} topology of ${nodes} nodes with ${links} links; ` +
        `the budget is ${STORM.perBroadcastPerLink} per broadcast per link plus ${STORM.perNodePerSecond} per node per second. ` +
        `Forward a value only the first time you see it (never a copy you already had), and run anti-entropy about once a second, not on every message`,
      { time: sim.now, node },
    );
  }
}
