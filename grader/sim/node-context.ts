/**
 * The `NodeContext` and `DurableStorage` a node instance receives (see api.ts). They hold no state of
 * their own: every call goes to the node's host (node-host.ts), which checks that the caller is the
 * node's live instance, inside a handler.
 */
import type { DurableStorage, Json, NodeContext, NodeId, TimerId } from "./api.js";
import { sealValue } from "./message.js";
import { TOMBSTONE, type NodeSlot } from "./node-slot.js";

/** What a context asks of whoever hosts its node (declared here, so this file imports no host). */
export interface ContextHost {
  /** The simulation's true virtual time. */
  readonly now: number;
  localTime(slot: NodeSlot): number;
  /** Throws unless `ctx` is `slot`'s live instance's context and that instance is running a handler. */
  assertActive(ctx: NodeContext, slot: NodeSlot, what: string): void;
  transmit(from: NodeSlot, to: NodeId, msg: Json): void;
  setTimer(slot: NodeSlot, delayMs: number, payload: Json): TimerId;
  cancelTimer(slot: NodeSlot, timer: TimerId): void;
  sync(slot: NodeSlot): void;
  log(slot: NodeSlot, text: string): void;
  noteRedirect(who: string, what: string): void;
}

/** The `NodeContext` a node instance receives; one per incarnation. */
export class Context implements NodeContext {
  readonly id: NodeId;
  readonly storage: DurableStorage;
  constructor(
    private readonly host: ContextHost,
    private readonly slot: NodeSlot,
  ) {
    this.id = slot.id;
    this.storage = new Storage(host, slot, this);
  }
  get peers(): readonly NodeId[] {
    return this.slot.peers;
  }
  now(): number {
    return this.host.localTime(this.slot);
  }
  send(to: NodeId, msg: Json): void {
    this.host.assertActive(this, this.slot, "ctx.send");
    this.host.transmit(this.slot, to, msg);
  }
  setTimer(delayMs: number, payload: Json = null): TimerId {
    this.host.assertActive(this, this.slot, "ctx.setTimer");
    return this.host.setTimer(this.slot, delayMs, payload);
  }
  cancelTimer(timer: TimerId): void {
    this.host.assertActive(this, this.slot, "ctx.cancelTimer");
    this.host.cancelTimer(this.slot, timer);
  }
  random(): number {
    return this.slot.rng.next();
  }
  log(...parts: unknown[]): void {
    this.host.log(this.slot, parts.map((p) => (typeof p === "string" ? p : safeStringify(p))).join(" "));
  }
  /** @internal: lab code used Math.random or the wall clock, which were redirected (noted once per run). */
  redirected(what: string): void {
    this.host.noteRedirect(this.slot.id, what);
  }
  /** @internal: the simulation's time and this node, for errors raised on its behalf. */
  where(): { time: number; node: NodeId } {
    return { time: this.host.now, node: this.slot.id };
  }
}

class Storage implements DurableStorage {
  constructor(
    private readonly host: ContextHost,
    private readonly slot: NodeSlot,
    private readonly ctx: Context,
  ) {}
  get(key: string): Json | undefined {
    const buffered = this.slot.buffer.get(key);
    if (buffered === TOMBSTONE) return undefined;
    return buffered !== undefined ? buffered : this.slot.durable.get(key);
  }
  set(key: string, value: Json): void {
    this.host.assertActive(this.ctx, this.slot, "storage.set");
    this.slot.buffer.set(key, sealValue(value, "a stored value").value);
  }
  delete(key: string): void {
    this.host.assertActive(this.ctx, this.slot, "storage.delete");
    this.slot.buffer.set(key, TOMBSTONE);
  }
  keys(): string[] {
    const keys = new Set(this.slot.durable.keys());
    for (const [key, value] of this.slot.buffer) {
      if (value === TOMBSTONE) keys.delete(key);
      else keys.add(key);
    }
    return [...keys].sort();
  }
  sync(): void {
    this.host.assertActive(this.ctx, this.slot, "storage.sync");
    this.host.sync(this.slot);
  }
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
