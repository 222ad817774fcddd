/**
 * Reference solution, Lab 3 Part B: a node that holds one replica of each CRDT and gossips its whole
 * state to a random peer every GOSSIP_MS. Because merges are idempotent and commutative, lost,
 * duplicated and reordered gossip does no harm; because gossip never stops, replicas converge once
 * the network lets any path of messages through.
 */
import type { Json, NodeContext, NodeId } from "../../grader/sim/api.js";
import type { CrdtNode, CrdtReadout, CrdtUpdate } from "../../grader/suites/03-gossip/interface.js";
import { GCounter, LWWRegister, ORSet, PNCounter } from "./crdts.js";

export const GOSSIP_MS = 200;

interface Snapshot {
  counter: Json;
  balance: Json;
  set: Json;
  register: Json;
}

export class ReplicaNode implements CrdtNode {
  protected readonly counter: GCounter;
  protected readonly balance: PNCounter;
  protected readonly set: ORSet;
  protected readonly register: LWWRegister;

  constructor(protected readonly ctx: NodeContext) {
    this.counter = new GCounter(ctx.id);
    this.balance = new PNCounter(ctx.id);
    this.set = new ORSet(ctx.id);
    this.register = new LWWRegister(ctx.id);
  }

  onStart(): void {
    this.ctx.setTimer(Math.floor(this.ctx.random() * GOSSIP_MS), "gossip");
  }

  update(op: CrdtUpdate): void {
    switch (op.type) {
      case "increment":
        return this.counter.increment(op.by);
      case "add":
        return op.by >= 0 ? this.balance.increment(op.by) : this.balance.decrement(-op.by);
      case "set-add":
        return this.set.add(op.element);
      case "set-remove":
        return this.set.remove(op.element);
      case "register":
        return this.register.set(op.value, this.ctx.now());
    }
  }

  read(): CrdtReadout {
    return { counter: this.counter.value(), balance: this.balance.value(), set: this.set.value(), register: this.register.value() };
  }

  onMessage(_from: NodeId, msg: Json): void {
    const s = msg as unknown as Snapshot;
    this.counter.merge(s.counter);
    this.balance.merge(s.balance);
    this.set.merge(s.set);
    this.register.merge(s.register);
  }

  onTimer(): void {
    this.gossip();
    this.ctx.setTimer(GOSSIP_MS, "gossip");
  }

  protected gossip(): void {
    const peer = this.ctx.peers[Math.floor(this.ctx.random() * this.ctx.peers.length)] as NodeId;
    const snapshot: Snapshot = { counter: this.counter.state(), balance: this.balance.state(), set: this.set.state(), register: this.register.state() };
    this.ctx.send(peer, snapshot as unknown as Json);
  }
}

export function createCrdtNode(ctx: NodeContext): CrdtNode {
  return new ReplicaNode(ctx);
}
