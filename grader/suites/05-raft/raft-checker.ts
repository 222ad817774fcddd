/**
 * Raft's safety properties, checked at every step of every run (not only at the end):
 *
 * - election safety: at most one leader per term, ever (read from the nodes' `status()`);
 * - state-machine safety and log matching: no two nodes apply different entries at one index;
 * - the service sees indices in order, with no gaps or repeats, per incarnation, and snapshots
 *   never take it back in time;
 * - leader completeness: a leader's `start` never places a command at an index that was already
 *   committed in an earlier term;
 * - persistence before replying: a node never comes back from a crash with a smaller term than the
 *   term it had when it last sent a message.
 *
 * The grader's tester service feeds it every `apply`, `installSnapshot` and `start` result.
 */
import type { Json, NodeId } from "../../sim/api.js";
import { Violation } from "../../sim/errors.js";
import type { Simulation } from "../../sim/simulation.js";
import type { LogEntry, RaftNode, Snapshot, StartResult } from "./interface.js";

interface Applied {
  command: string;
  term: number;
  node: NodeId;
  time: number;
}

interface NodeRecord {
  incarnation: number;
  restartedAt: number;
  /** The last index the service was handed in this incarnation (by apply or snapshot). */
  lastApplied: number;
  /** Every index this node's service was ever handed, over all incarnations: index -> command. */
  applied: Map<number, string>;
  /** The highest snapshot index the service was handed. */
  snapshotUpTo: number;
  sent: number;
  termAtSend: number;
  sendTime: number;
  /** The term and role the node last reported, and since when (for "why no leader" reports). */
  term: number;
  role: string;
  /** Role changes, oldest first: the raw material of `story`. */
  changes: { time: number; term: number; role: string }[];
  /** Whether the service was handed a snapshot in this incarnation. */
  handedSnapshot: boolean;
  /** Set by a restart until the first status after it has been read. */
  pendingRestart: boolean;
}

/** The snapshot the tester service takes: enough to check what Raft hands back later. */
export interface TesterSnapshot {
  upTo: number;
  last: Json;
}

export class RaftChecker {
  /** The first time anyone applied each index. */
  readonly committed = new Map<number, Applied>();
  /** Per index: the largest term any node had when it was first applied (bounds its commit term). */
  private readonly commitTermBound = new Map<number, number>();
  private readonly records = new Map<NodeId, NodeRecord>();
  private readonly leaders = new Map<number, { node: NodeId; time: number }>();
  private readonly startedCommands = new Set<string>();
  /** Term -> nodes that crashed in that term and came back still in it (they could vote twice). */
  private readonly termRestarts = new Map<number, { node: NodeId; time: number }[]>();
  private maxTerm = 0;
  maxCommitted = 0;

  constructor(
    private readonly sim: Simulation,
    readonly nodes: readonly NodeId[],
  ) {
    for (const id of nodes) {
      this.records.set(id, {
        incarnation: 0,
        restartedAt: 0,
        lastApplied: 0,
        applied: new Map(),
        snapshotUpTo: 0,
        sent: 0,
        termAtSend: 0,
        sendTime: 0,
        term: 0,
        role: "follower",
        changes: [],
        pendingRestart: false,
        handedSnapshot: false,
      });
    }
    sim.afterEachStep(() => this.step());
  }

  private record(node: NodeId): NodeRecord {
    return this.records.get(node) as NodeRecord;
  }

  private fail(node: NodeId, text: string): never {
    throw new Violation(text, { time: this.sim.now, node });
  }

  /** A new instance of `node` was created (first start or restart). */
  started(node: NodeId): void {
    const r = this.record(node);
    r.incarnation++;
    r.lastApplied = 0;
    r.restartedAt = this.sim.now;
    r.pendingRestart = r.incarnation > 1;
    r.handedSnapshot = false;
  }

  /** The last index `node`'s service was handed (by apply or snapshot) in its current incarnation. */
  handedUpTo(node: NodeId): number {
    return this.record(node).lastApplied;
  }

  /**
   * Elections since `since` that the candidate's peers joined as followers (they reached its term,
   * and did not stand in it themselves) without making it leader: evidence of refused votes.
   */
  refusedCandidacies(group: readonly NodeId[], since: number): { candidate: NodeId; term: number; voters: NodeId[] }[] {
    const inTerm = (id: NodeId, term: number, role?: string) => this.record(id).changes.some((c) => c.time >= since && c.term === term && (role === undefined || c.role === role));
    const found: { candidate: NodeId; term: number; voters: NodeId[] }[] = [];
    for (const candidate of group) {
      const terms = new Set(this.record(candidate).changes.filter((c) => c.time >= since && c.role === "candidate").map((c) => c.term));
      for (const term of terms) {
        if ([...group].some((id) => inTerm(id, term, "leader"))) continue;
        const voters = group.filter((id) => id !== candidate && inTerm(id, term) && !inTerm(id, term, "candidate"));
        if ((voters.length + 1) * 2 > this.nodes.length) found.push({ candidate, term, voters });
      }
    }
    return found;
  }

  /** Nodes that have been candidates in one term, without a change, for at least `ms`: [node, term, since]. */
  stuckCandidates(group: readonly NodeId[], ms: number): { node: NodeId; term: number; since: number }[] {
    return group.flatMap((id) => {
      const r = this.record(id);
      const last = r.changes.at(-1);
      return last !== undefined && last.role === "candidate" && this.sim.now - last.time >= ms && this.sim.isUp(id) ? [{ node: id, term: last.term, since: last.time }] : [];
    });
  }

  /** The service asked `node` to snapshot through `index`. */
  snapshotTaken(node: NodeId, index: number): void {
    const r = this.record(node);
    if (index > r.snapshotUpTo) r.snapshotUpTo = index;
  }

  /**
   * What `node` did between `since` and now, from its status: the terms in which it stood for
   * election or led, e.g. "candidate in terms 3, 5, 7; never leader; now follower in term 8".
   */
  story(node: NodeId, since: number): string {
    const r = this.record(node);
    // What it was doing at `since` counts too: a node that became a candidate earlier and stayed one.
    const before = r.changes.filter((c) => c.time < since).at(-1);
    const recent = [...(before ? [before] : []), ...r.changes.filter((c) => c.time >= since)];
    const terms = (role: string) => [...new Set(recent.filter((c) => c.role === role).map((c) => c.term))];
    const ran = terms("candidate");
    const led = terms("leader");
    const parts = [
      ran.length === 0 ? "never a candidate" : `candidate in term${ran.length > 1 ? "s" : ""} ${abbreviate(ran)}`,
      led.length === 0 ? "never leader" : `leader in term${led.length > 1 ? "s" : ""} ${abbreviate(led)}`,
    ];
    const up = this.sim.isUp(node);
    return `${node}: ${parts.join(", ")}; ${up ? `now ${r.role} in term ${r.term}` : "down"}`;
  }

  commandStarted(command: Json): void {
    this.startedCommands.add(JSON.stringify(command));
  }

  /** The service of `node` was handed `entry`. */
  apply(node: NodeId, entry: LogEntry): void {
    const now = this.sim.now;
    const r = this.record(node);
    if (entry === null || typeof entry !== "object" || !Number.isInteger(entry.index)) {
      this.fail(node, `${node} called service.apply(${JSON.stringify(entry)}) at t=${now}ms: apply takes { index, term, command }`);
    }
    const { index, term } = entry;
    const command = JSON.stringify(entry.command) ?? "undefined";
    if (index <= r.lastApplied) {
      this.fail(node, `${node} applied index ${index} at t=${now}ms, but it had already been handed index ${r.lastApplied} since ${r.incarnation > 1 ? `its restart at t=${r.restartedAt}ms` : "it started"}: every index must be applied once, in order`);
    }
    if (index !== r.lastApplied + 1) {
      const hint = r.lastApplied === 0 && r.incarnation > 1 ? `; after a restart, first hand the service your persisted snapshot (service.installSnapshot in onStart)` : "";
      this.fail(node, `${node} applied index ${index} at t=${now}ms, but the last index it handed its service was ${r.lastApplied}: committed entries must be applied in order with no gaps (index ${r.lastApplied + 1} is missing)${hint}`);
    }
    if (!this.startedCommands.has(command)) {
      this.fail(node, `${node} applied ${command} at index ${index} at t=${now}ms, but the service never started that command`);
    }
    const first = this.committed.get(index);
    if (first === undefined) {
      this.committed.set(index, { command, term, node, time: now });
      this.commitTermBound.set(index, this.maxTerm);
      if (index > this.maxCommitted) this.maxCommitted = index;
    } else if (first.command !== command || first.term !== term) {
      const hint =
        term < first.term
          ? ` ${node}'s entry is from an older term than the one applied there first: ${node} treated a stale entry as committed. Either it kept an entry it should have deleted (a follower checks prevLogTerm as well as prevLogIndex, deletes from the first conflicting entry, and accepts AppendEntries only from the leader of its current term), or it set commitIndex past what the leader's request confirmed (min(leaderCommit, index of the last entry the request carried)), or a leader holding that stale entry was elected (the election restriction, §5.4.1)`
          : term > first.term
            ? ` The entry ${first.node} applied was overwritten by a leader of a later term: it had been treated as committed without being safe. A leader commits by counting replicas only entries of its current term (Figure 8), and only a candidate whose log is at least as up to date as a majority's can win (§5.4.1)`
            : "";
      this.fail(node, `index ${index}: ${node} applied ${command} (term ${term}) at t=${now}ms, but ${first.node} applied ${first.command} (term ${first.term}) at t=${first.time}ms: once an entry is committed, every node must apply that same entry at that index.${hint}`);
    }
    r.lastApplied = index;
    r.applied.set(index, command);
  }

  /** The service of `node` was handed `snapshot`. */
  installSnapshot(node: NodeId, snapshot: Snapshot): void {
    const now = this.sim.now;
    const r = this.record(node);
    if (snapshot === null || typeof snapshot !== "object" || !Number.isInteger(snapshot.index)) {
      this.fail(node, `${node} called service.installSnapshot(${JSON.stringify(snapshot)}) at t=${now}ms: it takes { index, term, data }`);
    }
    const { index } = snapshot;
    if (index <= r.lastApplied) {
      this.fail(node, `${node} handed its service a snapshot through index ${index} at t=${now}ms, after it had already applied index ${r.lastApplied}: the service would go back in time. Ignore a snapshot that is not newer than what the service has`);
    }
    const data = snapshot.data as unknown as TesterSnapshot | null;
    if (data === null || typeof data !== "object" || data.upTo !== index) {
      this.fail(node, `${node} handed its service a snapshot labelled index ${index} at t=${now}ms whose data is the service's state at ${data && typeof data === "object" ? `index ${data.upTo}` : JSON.stringify(data)}: a snapshot's index must be the index the service gave to snapshot()`);
    }
    const first = this.committed.get(index);
    const last = JSON.stringify(data.last);
    if (first !== undefined && first.command !== last) {
      this.fail(node, `index ${index}: ${node} installed a snapshot at t=${now}ms whose last command is ${last}, but ${first.node} applied ${first.command} there at t=${first.time}ms`);
    }
    if (first !== undefined && first.term !== snapshot.term) {
      this.fail(node, `${node} installed a snapshot through index ${index} labelled term ${snapshot.term} at t=${now}ms, but the entry at index ${index} has term ${first.term}`);
    }
    r.lastApplied = index;
    r.handedSnapshot = true;
    if (index > r.snapshotUpTo) r.snapshotUpTo = index;
  }

  /** What `start` answered at `node`. */
  startAnswered(node: NodeId, result: StartResult): void {
    if (!result.isLeader) return;
    const me = this.record(node);
    const lostSnapshot =
      me.incarnation > 1 && me.snapshotUpTo > 0 && !me.handedSnapshot
        ? ` ${node} restarted at t=${me.restartedAt}ms and handed its service no snapshot, though before the crash it held one through index ${me.snapshotUpTo}: its snapshot did not survive the crash, and the log before it had been discarded. Persist the snapshot (with its index and term) and sync it before you discard the log it covers.`
        : "";
    for (let j = result.index; j <= this.maxCommitted; j++) {
      const bound = this.commitTermBound.get(j);
      const first = this.committed.get(j);
      if (bound !== undefined && first !== undefined && result.term > bound) {
        this.fail(node, `${node} is leader of term ${result.term} and put a new command at index ${result.index} at t=${this.sim.now}ms, but index ${j} was committed in term ${bound} or earlier (${first.node} applied ${first.command} there at t=${first.time}ms): a leader's log must hold every committed entry.${lostSnapshot || " Either the election restriction (§5.4.1) let it win without that entry, or a node that had acknowledged the entry lost it (entries must be synced before they are acknowledged)"}`);
      }
    }
  }

  /** How many nodes' services have been handed `index` (ever), and the command committed there. */
  nCommitted(index: number): { count: number; command: string | undefined } {
    let count = 0;
    for (const r of this.records.values()) if (r.applied.has(index) || r.snapshotUpTo >= index) count++;
    return { count, command: this.committed.get(index)?.command };
  }

  private step(): void {
    const sim = this.sim;
    for (const id of this.nodes) {
      const node = sim.handlersOf<RaftNode>(id);
      if (node === null) continue;
      const { term, role } = node.status();
      const r = this.record(id);
      const sent = sim.sentBy(id);
      if (term < r.termAtSend) {
        this.fail(id, `${id}'s term is ${term} at t=${sim.now}ms, but at t=${r.sendTime}ms${r.restartedAt > r.sendTime ? `, before its restart at t=${r.restartedAt}ms,` : ""} it sent messages in term ${r.termAtSend}: persist currentTerm (and votedFor and the log) and sync before sending anything, so a crash cannot make a node forget what others heard from it`);
      }
      if (sent !== r.sent) {
        r.sent = sent;
        r.termAtSend = Math.max(r.termAtSend, term);
        r.sendTime = sim.now;
      }
      if (r.pendingRestart) {
        r.pendingRestart = false;
        if (term === r.term && term > 0) {
          const list = this.termRestarts.get(term) ?? [];
          list.push({ node: id, time: r.restartedAt });
          this.termRestarts.set(term, list);
        }
      }
      if (term !== r.term || role !== r.role) {
        r.term = term;
        r.role = role;
        r.changes.push({ time: sim.now, term, role });
        if (r.changes.length > 200) r.changes.splice(0, 100);
      }
      if (term > this.maxTerm) this.maxTerm = term;
      if (role === "leader") {
        const leader = this.leaders.get(term);
        if (leader === undefined) this.leaders.set(term, { node: id, time: sim.now });
        else if (leader.node !== id) {
          const restarted = (this.termRestarts.get(term) ?? []).filter((x) => x.node !== id && x.node !== leader.node);
          const why = restarted.length > 0
            ? ` ${restarted.map((x) => `${x.node} crashed and restarted at t=${x.time}ms still in term ${term}`).join("; ")}: a voter that restarts in the same term must remember whom it voted for. Persist votedFor and sync before you send the vote (Figure 2, persistent state)`
            : " A node may vote once per term (votedFor is cleared only when the term goes up), and a candidate needs a majority";
          this.fail(id, `two leaders in term ${term}: ${leader.node} (since t=${leader.time}ms) and ${id} (at t=${sim.now}ms).${why}`);
        }
      }
    }
  }
}

/** "3, 5, 7" or, for long lists, "3, 4, 5, ... 19 (17 terms)". */
function abbreviate(terms: number[]): string {
  if (terms.length <= 6) return terms.join(", ");
  return `${terms.slice(0, 3).join(", ")}, ... ${terms[terms.length - 1]} (${terms.length} terms)`;
}
