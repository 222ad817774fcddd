/**
 * Reference solution, Lab 4 Part C: Ben-Or's randomized binary consensus for crash failures (f < n/2).
 *
 * Each round has two phases, and in each a node waits for n - f messages of that round and phase
 * (counting its own), since up to f nodes may never speak again.
 * 1. Report: broadcast the current estimate x. If more than n/2 of all nodes reported the same v,
 *    propose v; otherwise propose "?" (null). Two nodes can never propose different values.
 * 2. Propose: broadcast the proposal. With at least f + 1 proposals of v, decide v (at least one of
 *    them reaches every node's n - f, so everyone adopts v and decides in the next round). With at
 *    least one, adopt v as the estimate; with none, flip a coin.
 * A node that decides in round r sends its round r + 1 messages (both carry v, which is what every
 * node reports and proposes in that round) and stops. Messages for later rounds wait in a buffer.
 */
import type { Json, NodeContext, NodeId } from "../../grader/sim/api.js";
import type { BenOrApp, BenOrNode, Bit } from "../../grader/suites/04-consensus/interface.js";

export type BenOrMessage = { type: "report"; round: number; value: Bit } | { type: "propose"; round: number; value: Bit | null };

export class BenOr implements BenOrNode {
  protected round = 1;
  protected phase: 1 | 2 = 1;
  protected halted = false;
  protected decision: Bit | null = null;
  /** Per round: who reported what. */
  protected reports = new Map<number, Map<NodeId, Bit>>();
  /** Per round: who proposed what (null for "?"). */
  protected proposals = new Map<number, Map<NodeId, Bit | null>>();
  protected readonly n: number;

  constructor(
    protected readonly ctx: NodeContext,
    protected x: Bit,
    protected readonly f: number,
    protected readonly app: BenOrApp,
  ) {
    this.n = ctx.peers.length + 1;
  }

  onStart(): void {
    this.broadcast({ type: "report", round: this.round, value: this.x });
    this.advance();
  }

  onMessage(from: NodeId, msg: Json): void {
    if (this.halted) return;
    const m = msg as BenOrMessage;
    if (m.type === "report") this.record(this.reports, m.round, from, m.value);
    else this.record(this.proposals, m.round, from, m.value);
    this.advance();
  }

  protected record<V>(table: Map<number, Map<NodeId, V>>, round: number, from: NodeId, value: V): void {
    if (round < this.round) return;
    let got = table.get(round);
    if (got === undefined) table.set(round, (got = new Map()));
    got.set(from, value);
  }

  /** Moves through phases and rounds for as long as enough messages are in. */
  protected advance(): void {
    for (;;) {
      if (this.halted) return;
      const quorum = this.quorum();
      if (this.phase === 1) {
        const reports = this.reports.get(this.round);
        if (reports === undefined || reports.size < quorum) return;
        this.phase = 2;
        this.broadcast({ type: "propose", round: this.round, value: this.proposalFrom(reports) });
      } else {
        const proposals = this.proposals.get(this.round);
        if (proposals === undefined || proposals.size < quorum) return;
        this.endRound(proposals);
      }
    }
  }

  /** Messages to wait for in each phase: n - f, since f nodes may never speak. */
  protected quorum(): number {
    return this.n - this.f;
  }

  /** v if more than n/2 of all nodes reported v, else "?". */
  protected proposalFrom(reports: Map<NodeId, Bit>): Bit | null {
    for (const v of [0, 1] as const) if (count(reports, v) * 2 > this.n) return v;
    return null;
  }

  protected endRound(proposals: Map<NodeId, Bit | null>): void {
    const seen = ([0, 1] as const).find((v) => count(proposals, v) > 0);
    if (seen !== undefined && count(proposals, seen) >= this.decisionThreshold()) return this.decide(seen);
    this.x = seen ?? this.coin();
    this.reports.delete(this.round);
    this.proposals.delete(this.round);
    this.round++;
    this.phase = 1;
    this.broadcast({ type: "report", round: this.round, value: this.x });
  }

  /** Proposals of v needed to decide v: f + 1, so that every node's n - f proposals include one. */
  protected decisionThreshold(): number {
    return this.f + 1;
  }

  protected coin(): Bit {
    return this.ctx.random() < 0.5 ? 0 : 1;
  }

  protected decide(v: Bit): void {
    this.decision = v;
    this.app.decided(v, this.round);
    const next = this.round + 1;
    this.broadcast({ type: "report", round: next, value: v });
    this.broadcast({ type: "propose", round: next, value: v });
    this.halted = true;
    this.reports.clear();
    this.proposals.clear();
  }

  /** Sends to every peer, and records our own copy directly. */
  protected broadcast(msg: BenOrMessage): void {
    for (const p of this.ctx.peers) this.ctx.send(p, msg);
    if (msg.type === "report") this.record(this.reports, msg.round, this.ctx.id, msg.value);
    else this.record(this.proposals, msg.round, this.ctx.id, msg.value);
  }
}

export function count<V>(votes: Map<NodeId, V>, v: V): number {
  let c = 0;
  for (const x of votes.values()) if (x === v) c++;
  return c;
}

export function createBenOrNode(ctx: NodeContext, input: Bit, f: number, app: BenOrApp): BenOrNode {
  return new BenOr(ctx, input, f, app);
}
