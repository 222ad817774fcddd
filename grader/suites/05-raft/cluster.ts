/**
 * The tester service: a cluster of learner Raft nodes in one simulation, driven imperatively in
 * virtual time (like MIT 6.5840's config.go, but every wait is simulated and exact). It starts
 * commands at whichever node is leader, counts how many nodes applied an index and whether they
 * agree, connects and disconnects nodes, crashes and restarts them, and takes snapshots on the
 * nodes' behalf. Every apply goes through the `RaftChecker`, so safety is checked at every step.
 */
import type { Json, NodeContext, NodeId } from "../../sim/api.js";
import type { NetworkConditions } from "../../sim/network.js";
import type { Adversary, Simulation } from "../../sim/simulation.js";
import type { TestContext } from "../../runner/suite.js";
import type { Lab5, RaftNode, RaftService, StartResult } from "./interface.js";
import { RaftChecker, type TesterSnapshot } from "./raft-checker.js";
import { Traffic } from "./traffic.js";

/** After the network stabilises, some connected node must be leader within this much virtual time. */
export const LEADER_BOUND_MS = 2500;
/** How long `one` waits for an index to be applied by enough nodes after a leader accepted it. */
export const AGREEMENT_MS = 2000;
/** How often `checkOneLeader` looks for a leader, and `one` for an applied index (virtual ms). */
const LEADER_PROBE_MS = 25;
const AGREEMENT_PROBE_MS = 10;

/** The unreliable network of MIT's tests: 10% loss, a few duplicates, 1-27 ms latency. */
export const UNRELIABLE: Partial<NetworkConditions> = { loss: 0.1, duplicate: 0.05, latency: { kind: "uniform", minMs: 1, maxMs: 27 } };

export interface ClusterOptions {
  nodes: number;
  network?: Partial<NetworkConditions>;
  /** The service snapshots after every index divisible by this (Part D). */
  snapshotEvery?: number;
}

export class Cluster {
  readonly sim: Simulation;
  readonly checker: RaftChecker;
  readonly ids: NodeId[];
  /** Every message sent, per link, for failure reports (never for verdicts). */
  readonly traffic: Traffic;
  private adversary: Adversary | null = null;
  private readonly disconnected = new Set<NodeId>();
  /** What the grader handed each node's latest instance (its context and service), for state-size checks. */
  private readonly handed = new Map<NodeId, unknown[]>();
  private rotation = 0;
  private nextCommand = 100;

  constructor(
    impl: Lab5,
    private readonly t: TestContext,
    options: ClusterOptions,
  ) {
    this.sim = t.simulation(options.network ? { network: options.network } : {});
    this.ids = Array.from({ length: options.nodes }, (_, i) => `n${i + 1}`);
    this.checker = new RaftChecker(this.sim, this.ids);
    this.traffic = new Traffic(() => this.sim.now);
    this.sim.intercept((m) => {
      this.traffic.sent(m);
      return this.adversary?.(m);
    });
    for (const id of this.ids) {
      this.sim.addNode(id, (ctx: NodeContext) => {
        this.checker.started(id);
        let node: RaftNode | null = null;
        const checker = this.checker;
        const every = options.snapshotEvery;
        const service: RaftService = {
          apply(entry) {
            checker.apply(id, entry);
            if (every !== undefined && entry.index % every === 0 && node !== null) {
              const data: TesterSnapshot = { upTo: entry.index, last: entry.command };
              checker.snapshotTaken(id, entry.index);
              node.snapshot(entry.index, data as unknown as Json);
            }
          },
          installSnapshot(snapshot) {
            checker.installSnapshot(id, snapshot);
          },
        };
        this.handed.set(id, [ctx, service]);
        node = impl.createRaftNode(ctx, service);
        return node;
      });
    }
    this.sim.start();
  }

  /** The node `k` places after `id` in the ring n1, n2, ... (MIT's `(leader + k) % servers`). */
  after(id: NodeId, k: number): NodeId {
    return this.ids[(this.ids.indexOf(id) + k) % this.ids.length] as NodeId;
  }

  handedIn(id: NodeId): unknown[] {
    return this.handed.get(id) ?? [];
  }

  get now(): number {
    return this.sim.now;
  }

  /** Lets `ms` of virtual time pass. */
  advance(ms: number): void {
    this.sim.run(this.sim.now + ms);
  }

  /** A fresh command value no other call has used. */
  command(): number {
    return this.nextCommand++;
  }

  // ------------------------------------------------------------------ faults

  /**
   * A scripted adversary decides each message's fate (null: the network does); see
   * Simulation.intercept. Tests use this, never `sim.intercept`, which would stop `traffic`.
   */
  intercept(adversary: Adversary | null): void {
    this.adversary = adversary;
  }

  isConnected(id: NodeId): boolean {
    return !this.disconnected.has(id);
  }

  /** Cuts `id` off from every other node (both directions). */
  disconnect(id: NodeId): void {
    this.disconnected.add(id);
    this.applyConnectivity(`disconnect ${id}`);
  }

  connect(id: NodeId): void {
    this.disconnected.delete(id);
    this.applyConnectivity(`connect ${id}`);
  }

  private applyConnectivity(what: string): void {
    this.sim.note(what);
    this.sim.heal();
    if (this.disconnected.size > 0) this.sim.partition([...this.disconnected].map((d) => [d]));
  }

  /** Splits the cluster into groups that cannot talk to each other (replaces any earlier cut). */
  partition(groups: NodeId[][]): void {
    this.disconnected.clear();
    this.sim.heal();
    this.sim.partition(groups);
  }

  /** Removes every cut. */
  healAll(): void {
    this.disconnected.clear();
    this.sim.heal();
  }

  crash(id: NodeId): void {
    this.sim.crash(id);
  }

  restart(id: NodeId): void {
    this.sim.restart(id);
  }

  isUp(id: NodeId): boolean {
    return this.sim.isUp(id);
  }

  /** Up and connected: the nodes that can take part. */
  live(): NodeId[] {
    return this.ids.filter((id) => this.sim.isUp(id) && this.isConnected(id));
  }

  // ------------------------------------------------------------------ the service's calls

  /** Calls `start(command)` on `id` now, as its service would; null if the node is down. */
  start(id: NodeId, command: Json): StartResult | null {
    if (!this.sim.isUp(id)) return null;
    let result: StartResult | null = null;
    let called = false;
    this.checker.commandStarted(command);
    this.sim.callAt(this.sim.now, id, `service: start(${JSON.stringify(command)})`, (node: RaftNode) => {
      called = true;
      result = node.start(command);
    });
    this.sim.run(this.sim.now);
    if (!called) return null; // the node is paused: the call waits, and its answer is not needed
    const r = result as StartResult | null;
    if (r === null || typeof r !== "object" || typeof r.isLeader !== "boolean") {
      this.t.fail(`${id}.start(${JSON.stringify(command)}) returned ${JSON.stringify(r)}: it must return { index, term, isLeader }`, { node: id });
    }
    this.checker.startAnswered(id, r);
    return r;
  }

  status(id: NodeId): { term: number; role: string } | null {
    const node = this.sim.handlersOf<RaftNode>(id);
    return node === null ? null : node.status();
  }

  // ------------------------------------------------------------------ checks, as in MIT's config.go

  /** Waits until exactly one live node is leader, and returns it. Fails if none is within LEADER_BOUND_MS. */
  checkOneLeader(why = "", among?: readonly NodeId[]): NodeId {
    const since = this.now;
    for (;;) {
      // Exactly one: a cut-off leader that has just rejoined still believes it leads until it hears
      // from the new one, so wait that out rather than pick either.
      const group = among ? among.filter((id) => this.isUp(id)) : this.live();
      const leaders = group.filter((id) => this.status(id)?.role === "leader");
      if (leaders.length === 1) {
        this.t.measure("time to elect a leader", this.now - since, { atMost: LEADER_BOUND_MS, unit: "ms" });
        return leaders[0] as NodeId;
      }
      if (this.now - since >= LEADER_BOUND_MS) {
        // No leader by the deadline: the figure is the next look's time, past the bound.
        this.t.measure("time to elect a leader", this.now - since + LEADER_PROBE_MS, { atMost: LEADER_BOUND_MS, unit: "ms" });
        this.t.fail(`no single leader among the connected nodes (${group.join(", ")}) between t=${since}ms and t=${this.now}ms${why}: with a majority up and connected, a leader must be elected within ${LEADER_BOUND_MS}ms. ${this.whyNoLeader(group, since, leaders)}`);
      }
      this.advance(LEADER_PROBE_MS);
    }
  }

  /**
   * What the run shows about a failed election, from the nodes' status and the messages they
   * exchanged: who stood in which terms, and what each candidate's peers last answered it.
   */
  private whyNoLeader(group: readonly NodeId[], since: number, leaders: readonly NodeId[]): string {
    const stories = group.map((id) => this.checker.story(id, since));
    if (leaders.length > 1) return `${leaders.join(" and ")} all believe they lead (${stories.join("; ")}): a leader that hears of a newer term, in a request or a reply, must step down`;
    const ran = group.filter((id) => this.checker.story(id, since).includes("candidate in"));
    if (ran.length === 0) {
      return `No node stood for election in that time (${stories.join("; ")}): a follower that hears nothing from a leader for its election timeout must become a candidate; reset the election timer only when you grant a vote or hear from the current leader`;
    }
    const stuck = this.checker.stuckCandidates(group, 1000);
    if (stuck.length > 0) {
      const list = stuck.map((x) => `${x.node} has been a candidate in term ${x.term} since t=${x.since}ms`).join("; ");
      return `${list} (${stories.join("; ")}): an election that is neither won nor lost must time out, and the candidate must start a new one (a new term, a new randomized timeout): set the election timer again whenever you become a candidate`;
    }
    const refusals = this.checker.refusedCandidacies(group, since);
    const answers = ran.slice(0, 2).flatMap((c) => group.filter((p) => p !== c).slice(0, 2).map((p) => this.traffic.exchange(c, p, Math.max(since, this.now - 600))));
    const seen = `${stories.join("; ")}. In the last 600 ms: ${answers.join("; ")}`;
    if (refusals.length > 0) {
      const r = refusals[0] as { candidate: NodeId; term: number; voters: NodeId[] };
      return `Elections were held but none was won: ${seen}. ${r.voters.join(" and ")} moved to ${r.candidate}'s term ${r.term} as followers (so its RequestVote reached them), did not stand in that term themselves, and still ${r.candidate} did not become leader (${refusals.length} such election${refusals.length > 1 ? "s" : ""}). Their answers above say which of two things happened. If they refused the vote: either ${r.candidate}'s log was behind theirs, or they judged the request before adopting its term (a node that receives a RequestVote of a newer term must first adopt that term, clearing its vote, then grant the vote if it has not voted in that term and the candidate's log is at least as up to date as its own). If they granted it: ${r.candidate} did not count the votes it got; a candidate that has votes from a majority of the whole cluster, its own vote included, becomes leader at once`;
    }
    return `Elections were held but none was won: ${seen}. In none of them did a majority of the candidate's peers follow it into its term: they stood in that term themselves, or its requests did not reach them (split votes or lost requests). Randomized election timeouts keep candidates from splitting every vote`;
  }

  /** No live node believes it is leader. */
  checkNoLeader(why: string): void {
    for (const id of this.live()) {
      const s = this.status(id);
      if (s !== null && s.role === "leader") {
        this.t.fail(`${id} is leader in term ${s.term} at t=${this.now}ms, but ${why}: a leader needs votes from a majority of the whole cluster`, { node: id });
      }
    }
  }

  /** All live nodes agree on the term; returns it. */
  checkTerms(): number {
    let term = -1;
    let who = "";
    for (const id of this.live()) {
      const s = this.status(id);
      if (s === null) continue;
      if (term === -1) {
        term = s.term;
        who = id;
      } else if (s.term !== term) {
        this.t.fail(`the connected nodes disagree on the term at t=${this.now}ms although a leader has been in charge for a while: ${who} is in term ${term}, ${id} in term ${s.term}`, { node: id });
      }
    }
    return term;
  }

  nCommitted(index: number): { count: number; command: string | undefined } {
    return this.checker.nCommitted(index);
  }

  /**
   * MIT's `one`: start `command` at whichever live node accepts it as leader, and wait until at
   * least `expected` nodes have applied it at the index the leader gave. With `retry`, a failed
   * attempt (leadership lost) is retried at the next leader; without it, the first leader's
   * attempt must succeed. Gives up after 10 s of virtual time. Returns the index.
   */
  one(command: Json, expected: number, retry: boolean): number {
    const began = this.now;
    const key = JSON.stringify(command);
    while (this.now - began < 10_000) {
      let index = -1;
      let leader = "";
      for (let k = 0; k < this.ids.length; k++) {
        const id = this.ids[this.rotation] as NodeId;
        this.rotation = (this.rotation + 1) % this.ids.length;
        if (!this.isConnected(id)) continue;
        const r = this.start(id, command);
        if (r?.isLeader) {
          index = r.index;
          leader = id;
          break;
        }
      }
      if (index !== -1) {
        const startedAt = this.now;
        while (this.now - startedAt < AGREEMENT_MS) {
          const c = this.nCommitted(index);
          if (c.count >= expected && c.command === key) {
            // Without retry the first leader's attempt is held to AGREEMENT_MS (with retry, a miss only moves on).
            if (!retry) this.t.measure("time to apply a command after its start", this.now - startedAt, { atMost: AGREEMENT_MS, unit: "ms" });
            return index;
          }
          this.advance(AGREEMENT_PROBE_MS);
        }
        if (!retry) {
          // Not applied by the deadline: the figure is the next look's time, past the bound.
          this.t.measure("time to apply a command after its start", this.now - startedAt + AGREEMENT_PROBE_MS, { atMost: AGREEMENT_MS, unit: "ms" });
          const c = this.nCommitted(index);
          this.t.fail(`command ${key}, started at ${leader} (index ${index}) at t=${startedAt}ms, was applied by ${c.count} node(s), not ${expected}, within ${AGREEMENT_MS}ms${c.command !== undefined && c.command !== key ? ` (index ${index} holds ${c.command} instead)` : ""}; the live nodes were ${this.live().join(", ")}. ${this.whyNotApplied(leader, index, startedAt)}`, { node: leader });
        }
      } else {
        this.advance(50);
      }
    }
    const leaders = this.live().filter((id) => this.status(id)?.role === "leader");
    const why =
      leaders.length === 1
        ? this.whyNotApplied(leaders[0] as NodeId, this.checker.maxCommitted + 1, Math.max(began, this.now - AGREEMENT_MS))
        : `No connected node was leader at the end (${this.live().map((id) => this.checker.story(id, began)).join("; ")}).`;
    this.t.fail(`command ${key} was never committed by ${expected} nodes between t=${began}ms and t=${this.now}ms; the live nodes were ${this.live().join(", ")}. ${why}`);
  }

  /**
   * What the run shows about why `index` (started at `leader` at `since`) was not applied: for each
   * live node that lacks it, how far it got, and what it and the leader last said to each other.
   */
  whyNotApplied(leader: NodeId, index: number, since: number): string {
    const s = this.status(leader);
    const lacking = this.live().filter((id) => id !== leader && this.checker.handedUpTo(id) < index);
    const seconds = Math.max(0.001, (this.now - since) / 1000);
    const lines = lacking.map((id) => {
      const rate = Math.round(this.traffic.count(leader, id, since) / seconds);
      const storm = rate > 200 ? ` That is a message storm: ${leader} sent ${id} about ${rate} messages per virtual second, each answered at once, while ${id} made no progress: the same request and answer over and over` : "";
      return `${id} (${this.status(id)?.role ?? "down"} in term ${this.status(id)?.term ?? "?"}) applied up to index ${this.checker.handedUpTo(id)}; ${this.traffic.exchange(leader, id, since)}.${storm}`;
    });
    const head = `${leader} is ${s === null ? "down" : `${s.role} in term ${s.term}`} and applied up to index ${this.checker.handedUpTo(leader)}.`;
    return `${head}${lines.length > 0 ? ` Since t=${since}ms: ${lines.join(" ")}` : ""} Read those answers against Figure 2: a follower accepts an AppendEntries whose prevLogIndex and prevLogTerm match its log, and the leader counts it only for what that request carried`;
  }

  /**
   * MIT's `wait`: waits (up to a few seconds) until `n` nodes have applied `index`; returns the
   * command, or null if some node's term moved past `startTerm` first (leadership changed).
   */
  wait(index: number, n: number, startTerm: number): string | null {
    const began = this.now;
    let step = 10;
    while (this.now - began < 5000) {
      if (this.nCommitted(index).count >= n) break;
      this.advance(step);
      if (step < 1000) step *= 2;
      if (startTerm > -1) {
        for (const id of this.ids) {
          const s = this.status(id);
          if (s !== null && s.term > startTerm) return null;
        }
      }
    }
    const c = this.nCommitted(index);
    if (c.count < n) {
      const leader = this.live().find((id) => this.status(id)?.role === "leader");
      const why = leader === undefined ? `No connected node is leader (${this.live().map((id) => this.checker.story(id, began)).join("; ")}).` : this.whyNotApplied(leader, index, began);
      this.t.fail(`only ${c.count} node(s) applied index ${index} by t=${this.now}ms, ${this.now - began}ms after it was started; wanted ${n}. ${why}`);
    }
    return c.command ?? null;
  }

  /** Messages sent by every node so far. */
  messages(): number {
    return this.sim.stats.sent;
  }
}
