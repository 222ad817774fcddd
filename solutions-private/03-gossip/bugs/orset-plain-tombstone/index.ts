/**
 * Classic mistake: an OR-Set whose remove just tombstones the element. A tombstone hides every add of
 * that element, past and future, seen or not: a concurrent add loses instead of winning, and the
 * element can never be added back. Tombstone the add tags the remove has seen, not the element.
 */
import type { Json, NodeId } from "../../../../grader/sim/api.js";
import type { ORSet as IORSet } from "../../../../grader/suites/03-gossip/interface.js";

export * from "../../index.js";

export class ORSet implements IORSet {
  protected added = new Set<string>();
  protected removed = new Set<string>();

  constructor(
    protected readonly replica: NodeId,
    state?: Json,
  ) {
    if (state !== undefined) this.merge(state);
  }

  add(element: string): void {
    this.added.add(element);
  }

  remove(element: string): void {
    if (this.added.has(element)) this.removed.add(element);
  }

  has(element: string): boolean {
    return this.added.has(element) && !this.removed.has(element);
  }

  state(): Json {
    return { added: [...this.added].sort(), removed: [...this.removed].sort() };
  }

  merge(remote: Json): void {
    const r = remote as { added: string[]; removed: string[] };
    for (const e of r.added) this.added.add(e);
    for (const e of r.removed) this.removed.add(e);
  }

  value(): string[] {
    return [...this.added].filter((e) => this.has(e)).sort();
  }
}
