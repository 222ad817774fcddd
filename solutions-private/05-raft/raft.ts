/**
 * Reference Raft (Lab 5): leader election, log replication, persistence and snapshots, as in
 * Figure 2 and Figure 13 of the extended Raft paper, shaped like etcd's raft: one small state
 * machine stepped by messages and timers, with every rule in its own protected method so that a
 * bug-zoo variant overrides exactly one.
 *
 * Persistence: `meta` = { term, vote }, `snap` = the snapshot, `e<i>` = the log entry at index i.
 * Every change is written with `set` as it happens and made durable (`sync`) before the node sends
 * anything or answers `start`, so nothing a peer or the service has seen can be forgotten by a crash.
 *
 * Messages are frozen once sent, so the log is never mutated in place where a sent slice could
 * alias it: sends carry `slice`s, and truncation replaces the array.
 */
import type { Json, NodeContext, NodeId, TimerId } from "../../grader/sim/api.js";
import type { RaftNode, RaftService, Role, StartResult } from "../../grader/suites/05-raft/interface.js";

export const HEARTBEAT_MS = 100;
export const ELECTION_MIN_MS = 300;
export const ELECTION_SPREAD_MS = 300;
/** Most entries per AppendEntries, so one message stays a reasonable size. */
export const MAX_BATCH = 64;

export type Entry = {
  term: number;
  command: Json;
};

export type Message =
  | { type: "vote"; term: number; lastIndex: number; lastTerm: number }
  | { type: "vote-reply"; term: number; granted: boolean }
  | { type: "append"; term: number; prevIndex: number; prevTerm: number; entries: readonly Entry[]; commit: number }
  | { type: "append-reply"; term: number; success: boolean; match: number; conflictIndex: number; conflictTerm: number }
  | { type: "snapshot"; term: number; index: number; snapTerm: number; data: Json }
  | { type: "snapshot-reply"; term: number; match: number };

interface Progress {
  next: number;
  match: number;
  /** True until an AppendEntries succeeds: then entries are sent optimistically, as they are appended. */
  probing: boolean;
}

export class Raft implements RaftNode {
  // persistent
  term = 0;
  vote: NodeId | null = null;
  log: readonly Entry[] = [];
  snapIndex = 0;
  snapTerm = 0;
  snapData: Json = null;
  // volatile
  role: Role = "follower";
  commitIndex = 0;
  lastApplied = 0;
  votes = new Set<NodeId>();
  progress = new Map<NodeId, Progress>();
  electionTimer: TimerId | null = null;
  heartbeatTimer: TimerId | null = null;
  dirty = false;
  applying = false;

  constructor(
    protected readonly ctx: NodeContext,
    protected readonly service: RaftService,
  ) {}

  // ------------------------------------------------------------------ the service's calls

  onStart(): void {
    this.restore();
    if (this.snapIndex > 0) {
      this.commitIndex = this.lastApplied = this.snapIndex;
      this.service.installSnapshot({ index: this.snapIndex, term: this.snapTerm, data: this.snapData });
    }
    this.resetElectionTimer();
  }

  start(command: Json): StartResult {
    if (this.role !== "leader") return { index: this.lastIndex() + 1, term: this.term, isLeader: false };
    this.log = [...this.log, { term: this.term, command }];
    const index = this.lastIndex();
    this.saveEntries(index);
    this.flush();
    for (const [peer, p] of this.progress) if (!p.probing) this.sendAppend(peer);
    return { index, term: this.term, isLeader: true };
  }

  status(): { term: number; role: Role } {
    return { term: this.term, role: this.role };
  }

  snapshot(index: number, data: Json): void {
    if (index <= this.snapIndex || index > this.lastApplied) return;
    this.compact(index, this.termAt(index) as number, data, this.log.slice(index - this.snapIndex));
    this.flush();
  }

  // ------------------------------------------------------------------ events

  onTimer(payload: Json): void {
    if (payload === "election") {
      this.electionTimer = null;
      this.campaign();
    } else if (payload === "heartbeat") {
      this.heartbeatTimer = null;
      if (this.role !== "leader") return;
      this.broadcastAppend();
      this.heartbeatTimer = this.ctx.setTimer(this.heartbeatMs(), "heartbeat");
    }
  }

  onMessage(from: NodeId, raw: Json): void {
    const m = raw as unknown as Message;
    if (m.term > this.term) this.becomeFollower(m.term);
    switch (m.type) {
      case "vote":
        return this.handleVote(from, m);
      case "vote-reply":
        return this.handleVoteReply(from, m);
      case "append":
        return this.handleAppend(from, m);
      case "append-reply":
        return this.handleAppendReply(from, m);
      case "snapshot":
        return this.handleSnapshot(from, m);
      case "snapshot-reply":
        return this.handleSnapshotReply(from, m);
    }
  }

  // ------------------------------------------------------------------ roles

  protected becomeFollower(term: number): void {
    if (term > this.term) {
      this.term = term;
      this.vote = null;
      this.saveMeta();
    }
    if (this.role === "leader") this.resetElectionTimer();
    this.role = "follower";
    if (this.heartbeatTimer !== null) this.ctx.cancelTimer(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  protected campaign(): void {
    if (this.role === "leader") return;
    this.role = "candidate";
    this.term++;
    this.vote = this.ctx.id;
    this.saveMeta();
    this.votes = new Set([this.ctx.id]);
    this.resetElectionTimer();
    const request: Message = { type: "vote", term: this.term, lastIndex: this.lastIndex(), lastTerm: this.lastTerm() };
    for (const peer of this.ctx.peers) this.send(peer, request);
  }

  protected becomeLeader(): void {
    this.role = "leader";
    if (this.electionTimer !== null) this.ctx.cancelTimer(this.electionTimer);
    this.electionTimer = null;
    this.progress = new Map(this.ctx.peers.map((p) => [p, { next: this.lastIndex() + 1, match: 0, probing: true }]));
    this.broadcastAppend();
    this.heartbeatTimer = this.ctx.setTimer(this.heartbeatMs(), "heartbeat");
  }

  /** Most entries per AppendEntries (the handout asks for at least 50 to a follower that is behind). */
  protected maxBatch(): number {
    return MAX_BATCH;
  }

  protected heartbeatMs(): number {
    return HEARTBEAT_MS;
  }

  /** Randomized, so that one node usually times out well before the others and wins alone. */
  protected electionTimeoutMs(): number {
    return ELECTION_MIN_MS + Math.floor(this.ctx.random() * ELECTION_SPREAD_MS);
  }

  protected resetElectionTimer(): void {
    if (this.electionTimer !== null) this.ctx.cancelTimer(this.electionTimer);
    this.electionTimer = this.ctx.setTimer(this.electionTimeoutMs(), "election");
  }

  // ------------------------------------------------------------------ elections

  protected handleVote(from: NodeId, m: Extract<Message, { type: "vote" }>): void {
    const granted = m.term === this.term && (this.vote === null || this.vote === from) && this.upToDate(m.lastIndex, m.lastTerm);
    if (granted) {
      this.vote = from;
      this.saveMeta();
      this.resetElectionTimer();
    }
    this.send(from, { type: "vote-reply", term: this.term, granted });
  }

  /** The election restriction: the candidate's log is at least as up to date as ours (§5.4.1). */
  protected upToDate(lastIndex: number, lastTerm: number): boolean {
    const myTerm = this.lastTerm();
    return lastTerm > myTerm || (lastTerm === myTerm && lastIndex >= this.lastIndex());
  }

  protected handleVoteReply(from: NodeId, m: Extract<Message, { type: "vote-reply" }>): void {
    if (this.role !== "candidate" || m.term !== this.term || !m.granted) return;
    this.votes.add(from);
    if (this.votes.size * 2 > this.ctx.peers.length + 1) this.becomeLeader();
  }

  // ------------------------------------------------------------------ replication, leader side

  protected broadcastAppend(): void {
    for (const peer of this.ctx.peers) this.sendAppend(peer);
  }

  protected sendAppend(peer: NodeId): void {
    const p = this.progress.get(peer) as Progress;
    if (p.next <= this.snapIndex) {
      this.send(peer, { type: "snapshot", term: this.term, index: this.snapIndex, snapTerm: this.snapTerm, data: this.snapData });
      return;
    }
    const prevIndex = p.next - 1;
    const from = prevIndex - this.snapIndex;
    const entries = this.log.slice(from, from + this.maxBatch());
    this.send(peer, {
      type: "append",
      term: this.term,
      prevIndex,
      prevTerm: this.termAt(prevIndex) as number,
      entries,
      commit: this.commitIndex,
    });
    if (!p.probing) p.next = prevIndex + entries.length + 1;
  }

  protected handleAppendReply(from: NodeId, m: Extract<Message, { type: "append-reply" }>): void {
    if (this.role !== "leader" || m.term !== this.term) return;
    const p = this.progress.get(from) as Progress;
    if (m.success) {
      p.match = this.matchFromReply(p, m);
      p.next = Math.max(p.next, p.match + 1);
      p.probing = false;
      this.advanceCommit();
      if (p.next <= this.lastIndex()) this.sendAppend(from);
      return;
    }
    p.next = Math.max(p.match + 1, Math.min(this.backUpTo(m), this.lastIndex() + 1));
    p.probing = true;
    this.sendAppend(from);
  }

  /** What the follower now holds: only what the request it answers carried (never our own log end). */
  protected matchFromReply(p: Progress, m: Extract<Message, { type: "append-reply" }>): number {
    return Math.max(p.match, m.match);
  }

  /** Fast backup: skip the follower's whole conflicting term, or to the end of its shorter log. */
  protected backUpTo(m: Extract<Message, { type: "append-reply" }>): number {
    if (m.conflictTerm > 0) {
      for (let i = this.lastIndex(); i > this.snapIndex; i--) {
        const t = this.termAt(i) as number;
        if (t === m.conflictTerm) return i + 1;
        if (t < m.conflictTerm) break;
      }
    }
    return m.conflictIndex;
  }

  /** Commit the highest index a majority holds, if it is from the current term (Figure 8). */
  protected advanceCommit(): void {
    const matches = [this.lastIndex(), ...[...this.progress.values()].map((p) => p.match)].sort((a, b) => b - a);
    const n = matches[Math.floor(matches.length / 2)] as number;
    if (n > this.commitIndex && this.mayCommit(n)) {
      this.commitIndex = n;
      this.applyCommitted();
    }
  }

  protected mayCommit(index: number): boolean {
    return this.termAt(index) === this.term;
  }

  protected handleSnapshotReply(from: NodeId, m: Extract<Message, { type: "snapshot-reply" }>): void {
    if (this.role !== "leader" || m.term !== this.term) return;
    const p = this.progress.get(from) as Progress;
    p.match = Math.max(p.match, m.match);
    p.next = Math.max(p.next, p.match + 1);
    p.probing = false;
    this.advanceCommit();
    if (p.next <= this.lastIndex()) this.sendAppend(from);
  }

  // ------------------------------------------------------------------ replication, follower side

  protected handleAppend(from: NodeId, m: Extract<Message, { type: "append" }>): void {
    const reject = (conflictIndex: number, conflictTerm: number) =>
      this.send(from, { type: "append-reply", term: this.term, success: false, match: 0, conflictIndex, conflictTerm });
    if (m.term < this.term) return reject(0, 0);
    this.acceptLeader();
    let prevIndex = m.prevIndex;
    let prevTerm = m.prevTerm;
    let entries = m.entries;
    if (prevIndex < this.snapIndex) {
      // The start of this request is already in our snapshot (committed, so it matches).
      const skip = this.snapIndex - prevIndex;
      if (skip >= entries.length) return this.acknowledge(from, prevIndex + entries.length);
      entries = entries.slice(skip);
      prevIndex = this.snapIndex;
      prevTerm = this.snapTerm;
    }
    const have = this.termAt(prevIndex);
    if (have === undefined) return reject(this.lastIndex() + 1, 0);
    if (have !== prevTerm) {
      let first = prevIndex;
      while (first - 1 > this.snapIndex && this.termAt(first - 1) === have) first--;
      return reject(first, have);
    }
    this.appendEntries(prevIndex, entries);
    const lastNew = prevIndex + entries.length;
    this.followCommit(m.commit, lastNew);
    this.acknowledge(from, lastNew);
  }

  protected acceptLeader(): void {
    if (this.role !== "follower") this.becomeFollower(this.term);
    this.resetElectionTimer();
  }

  /** Figure 2, AppendEntries 3-4: cut the log only at a real conflict, then append what is new. */
  protected appendEntries(prevIndex: number, entries: readonly Entry[]): void {
    for (let k = 0; k < entries.length; k++) {
      const index = prevIndex + 1 + k;
      const entry = entries[k] as Entry;
      if (index <= this.lastIndex() && this.termAt(index) === entry.term) continue;
      this.truncateAfter(index - 1);
      this.log = [...this.log, ...entries.slice(k)];
      this.saveEntries(index);
      return;
    }
  }

  protected followCommit(leaderCommit: number, lastNew: number): void {
    const target = Math.min(leaderCommit, lastNew);
    if (target > this.commitIndex) {
      this.commitIndex = target;
      this.applyCommitted();
    }
  }

  protected acknowledge(to: NodeId, match: number): void {
    this.send(to, { type: "append-reply", term: this.term, success: true, match, conflictIndex: 0, conflictTerm: 0 });
  }

  protected handleSnapshot(from: NodeId, m: Extract<Message, { type: "snapshot" }>): void {
    if (m.term < this.term) {
      this.send(from, { type: "snapshot-reply", term: this.term, match: 0 });
      return;
    }
    this.acceptLeader();
    if (m.index > this.commitIndex) this.installFromLeader(m);
    this.send(from, { type: "snapshot-reply", term: this.term, match: m.index });
  }

  /** Figure 13: keep the entries after the snapshot if our log agrees with it there; else drop the log. */
  protected installFromLeader(m: Extract<Message, { type: "snapshot" }>): void {
    const keep = this.termAt(m.index) === m.snapTerm ? this.log.slice(m.index - this.snapIndex) : [];
    if (keep.length === 0) this.truncateAfter(this.snapIndex);
    this.compact(m.index, m.snapTerm, m.data, keep);
    this.commitIndex = this.lastApplied = m.index;
    this.service.installSnapshot({ index: m.index, term: m.snapTerm, data: m.data });
  }

  // ------------------------------------------------------------------ applying

  protected applyCommitted(): void {
    if (this.applying) return; // the service called back into us (snapshot) from inside apply
    this.applying = true;
    try {
      while (this.lastApplied < this.commitIndex) {
        const index = this.lastApplied + 1;
        const entry = this.log[index - this.snapIndex - 1] as Entry;
        this.lastApplied = index;
        this.service.apply({ index, term: entry.term, command: entry.command });
      }
    } finally {
      this.applying = false;
    }
  }

  // ------------------------------------------------------------------ the log

  lastIndex(): number {
    return this.snapIndex + this.log.length;
  }

  lastTerm(): number {
    return this.log.length > 0 ? (this.log[this.log.length - 1] as Entry).term : this.snapTerm;
  }

  /** The term of the entry at `index`, or undefined if we do not have it (compacted or beyond the end). */
  termAt(index: number): number | undefined {
    if (index === this.snapIndex) return this.snapTerm;
    if (index < this.snapIndex) return undefined;
    return this.log[index - this.snapIndex - 1]?.term;
  }

  // ------------------------------------------------------------------ persistence

  protected restore(): void {
    const storage = this.ctx.storage;
    const meta = storage.get("meta") as { term: number; vote: NodeId | null } | undefined;
    if (meta) {
      this.term = meta.term;
      this.vote = meta.vote;
    }
    const snap = storage.get("snap") as { index: number; term: number; data: Json } | undefined;
    if (snap) {
      this.snapIndex = snap.index;
      this.snapTerm = snap.term;
      this.snapData = snap.data;
    }
    const log: Entry[] = [];
    for (let i = this.snapIndex + 1; ; i++) {
      const e = storage.get(`e${i}`) as Entry | undefined;
      if (e === undefined) break;
      log.push(e);
    }
    this.log = log;
  }

  protected saveMeta(): void {
    this.ctx.storage.set("meta", { term: this.term, vote: this.vote });
    this.dirty = true;
  }

  /** Writes the entries from `from` to the end of the log. */
  protected saveEntries(from: number): void {
    for (let i = from; i <= this.lastIndex(); i++) this.ctx.storage.set(`e${i}`, this.log[i - this.snapIndex - 1] as Entry);
    this.dirty = true;
  }

  /** Drops the entries after `index`, in memory and on disk. */
  protected truncateAfter(index: number): void {
    for (let i = index + 1; i <= this.lastIndex(); i++) this.ctx.storage.delete(`e${i}`);
    this.log = this.log.slice(0, Math.max(0, index - this.snapIndex));
    this.dirty = true;
  }

  /** Replaces the log up to `index` by a snapshot; `rest` is the log after it. */
  protected compact(index: number, term: number, data: Json, rest: readonly Entry[]): void {
    for (let i = this.snapIndex + 1; i <= Math.min(index, this.lastIndex()); i++) this.ctx.storage.delete(`e${i}`);
    this.snapIndex = index;
    this.snapTerm = term;
    this.snapData = data;
    this.log = rest;
    this.ctx.storage.set("snap", { index, term, data });
    this.dirty = true;
  }

  /** Makes every change durable. Called before anything leaves the node. */
  protected flush(): void {
    if (!this.dirty) return;
    this.ctx.storage.sync();
    this.dirty = false;
  }

  protected send(to: NodeId, msg: Message): void {
    this.flush();
    this.ctx.send(to, msg as unknown as Json);
  }
}

export function createRaftNode(ctx: NodeContext, service: RaftService): RaftNode {
  return new Raft(ctx, service);
}
