/**
 * The topologies Part A runs on, and a context wrapper that makes a topology's links the only ones
 * that exist: a node that sends to a non-neighbour fails the test at that send.
 */
import type { Json, NodeContext, NodeId } from "../../sim/api.js";
import { Violation } from "../../sim/errors.js";

export type TopologyKind = "line" | "ring" | "tree" | "grid" | "mesh";

export type Topology = ReadonlyMap<NodeId, readonly NodeId[]>;

export function nodeNames(n: number): NodeId[] {
  return Array.from({ length: n }, (_, i) => `n${i + 1}`);
}

/** Neighbour lists for `n` nodes named n1..nN. A grid needs a square `n`; a tree is binary. */
export function topology(kind: TopologyKind, n: number): Topology {
  const names = nodeNames(n);
  const links = new Map<NodeId, Set<NodeId>>(names.map((id) => [id, new Set()]));
  const link = (i: number, j: number) => {
    links.get(names[i] as NodeId)?.add(names[j] as NodeId);
    links.get(names[j] as NodeId)?.add(names[i] as NodeId);
  };
  const side = Math.round(Math.sqrt(n));
  for (let i = 0; i < n; i++) {
    switch (kind) {
      case "line":
        if (i > 0) link(i - 1, i);
        break;
      case "ring":
        link(i, (i + 1) % n);
        break;
      case "tree":
        if (i > 0) link(Math.floor((i - 1) / 2), i);
        break;
      case "grid":
        if (side * side !== n) throw new Error(`a grid needs a square number of nodes, not ${n}`);
        if (i % side > 0) link(i - 1, i);
        if (i >= side) link(i - side, i);
        break;
      case "mesh":
        for (let j = i + 1; j < n; j++) link(i, j);
        break;
    }
  }
  return new Map([...links].map(([id, set]) => [id, [...set]]));
}

/**
 * `ctx` with `send` restricted to `neighbours`, so the topology is enforced at the first stray message;
 * `onSend` sees every message that goes out (for the traffic budget).
 */
export function linksOnly(ctx: NodeContext, neighbours: readonly NodeId[], kind: TopologyKind, now: () => number, onSend: (msg: Json) => void = () => {}): NodeContext {
  const allowed = new Set(neighbours);
  return {
    id: ctx.id,
    peers: ctx.peers,
    storage: ctx.storage,
    now: () => ctx.now(),
    send: (to, msg) => {
      if (!allowed.has(to)) {
        throw new Violation(
          `${ctx.id} sent a message to ${to} at t=${now()}ms, but in this ${kind} topology ${ctx.id} has links only to ${neighbours.join(", ")}: send only to the neighbours you were given (ctx.peers lists every node, linked or not)`,
          { time: now(), node: ctx.id },
        );
      }
      onSend(msg);
      ctx.send(to, msg);
    },
    setTimer: (delayMs, payload) => ctx.setTimer(delayMs, payload),
    cancelTimer: (timer) => ctx.cancelTimer(timer),
    random: () => ctx.random(),
    log: (...parts) => ctx.log(...parts),
  };
}
