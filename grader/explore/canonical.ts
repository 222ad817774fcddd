/**
 * Canonical snapshots of a simulation's state, so that the explorer visits equivalent states once.
 *
 * A snapshot walks every live node object (its own properties, arrays, Maps and Sets, with object
 * keys sorted and Map and Set entries sorted by their own snapshot), each node's storage, and the
 * multiset of pending deliveries and live timers. It leaves out what does not decide the future of
 * the protocol: virtual time, message and timer ids, functions, and the objects the grader handed in
 * (the node context and the simulation behind it). Compare grader/check/state-size.ts, which walks the
 * same objects to count them.
 *
 * Ranking (`rank`) gives a coarser equivalence for liveness: every number is replaced by its rank among
 * the numbers of the whole snapshot. A protocol that only compares its ballots (and its clock
 * readings) behaves the same in two states whose numbers are in the same order, so "the same
 * situation with bigger ballots" counts as a revisit. The explorer confirms any cycle it finds this
 * way by replaying it (see explorer.ts), so a coarse match can waste time but never mislead.
 */
import type { NodeId } from "../sim/api.js";
import { isHandedIn } from "../sim/handed-in.js";
import { Context } from "../sim/node-context.js";
import { Simulation, type PendingView } from "../sim/simulation.js";

/**
 * A deterministic text for `root`: like JSON, with object keys sorted, Map and Set entries sorted,
 * functions left out, and cycles cut. `number` maps each
 * number first (used to rank them).
 */
export function canonical(root: unknown, number: (n: number) => string = String): string {
  return new Canonical(number).walk(root);
}

/**
 * One `canonical` call's walk. Methods rather than closures made per call: the explorer calls this
 * for every node of every state, and under tsx each named closure also costs a `__name` call.
 */
class Canonical {
  private readonly open = new Set<object>();
  private readonly walkFn: (value: unknown) => string = this.walk.bind(this);
  constructor(private readonly number: (n: number) => string) {}

  walk(value: unknown): string {
    switch (typeof value) {
      case "number":
        return Number.isFinite(value) ? this.number(value) : JSON.stringify(String(value));
      case "string":
        return JSON.stringify(value);
      case "boolean":
        return value ? "true" : "false";
      case "bigint":
        return `"${value}n"`;
      case "undefined":
      case "function":
      case "symbol":
        return "null";
    }
    if (value === null) return "null";
    const object = value as object;
    if (object instanceof Context || object instanceof Simulation || isHandedIn(object)) return '"<handed in>"';
    // Shared objects are written out each time (so sharing does not matter); only a cycle is cut.
    if (this.open.has(object)) return '"<cycle>"';
    this.open.add(object);
    const text = this.composite(object);
    this.open.delete(object);
    return text;
  }

  private composite(object: object): string {
    const walk = this.walkFn;
    if (Array.isArray(object)) return `[${object.map(walk).join(",")}]`;
    if (object instanceof Map) return `{Map ${[...object].map(([k, v]) => `${walk(k)}:${walk(v)}`).sort().join(",")}}`;
    if (object instanceof Set) return `{Set ${[...object].map(walk).sort().join(",")}}`;
    if (ArrayBuffer.isView(object)) return `[${Array.from(object as unknown as ArrayLike<number>, walk).join(",")}]`;
    const parts: string[] = [];
    for (const key of Object.keys(object).sort()) {
      const v = (object as Record<string, unknown>)[key];
      if (typeof v !== "function") parts.push(`${JSON.stringify(key)}:${walk(v)}`);
    }
    return `{${parts.join(",")}}`;
  }
}

/** What of a pending event matters to the future: its kind, its node, its sender, its content. */
function pendingEntry(view: PendingView): unknown[] {
  return [view.kind, view.node, view.from, view.payload, view.kind === "action" || view.kind === "call" ? view.label : null];
}

/**
 * Everything the explorer compares, as one string: every node (up or down, its object and its
 * storage), what is pending, and `extra` (the explorer's own budgets). Without `nodeState`, only
 * which nodes are up and what is pending (see findCycle's `compareNodes`). With `rank`, numbers are
 * replaced by their ranks (see the file comment); `renamed` then also gives each pending event's
 * entry under the same renaming, so a cycle can be replayed on a renamed state.
 */
export function stateKey(
  sim: Simulation,
  pending: readonly PendingView[],
  extra: unknown,
  rank = false,
  nodeState = true,
): { key: string; pendingKeys: string[] } {
  const world = (number?: (n: number) => string) => {
    const nodes = sim.nodeIds.map((id) => {
      if (!nodeState) return canonical([id, sim.isUp(id)]);
      const storage = sim.storageOf(id);
      return canonical([id, sim.isUp(id), sim.handlersOf(id), storage.synced, storage.unsynced], number);
    });
    const entries = pending.map((view) => canonical(pendingEntry(view), number));
    return { nodes, entries, extra: canonical(extra, number) };
  };
  let number: ((n: number) => string) | undefined;
  if (rank) {
    const numbers = new Set<number>();
    world((n) => (numbers.add(n), ""));
    const ranks = new Map([...numbers].sort((a, b) => a - b).map((n, i) => [n, `#${i}`]));
    number = (n) => ranks.get(n) as string;
  }
  const w = world(number);
  const key = `${w.nodes.join("\n")}\n${[...w.entries].sort().join("\n")}\n${w.extra}`;
  return { key, pendingKeys: w.entries };
}
