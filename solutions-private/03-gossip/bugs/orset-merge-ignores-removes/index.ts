/**
 * Classic mistake: an OR-Set merge that takes in the other replica's adds but not its removes. A
 * remove then works only where it was made: every other replica, and a replica rebuilt from a
 * snapshot (which is a merge into an empty one), keeps the element. Merge both halves of the state.
 */
import type { Json } from "../../../../grader/sim/api.js";
import { ORSet as Reference } from "../../crdts.js";

export * from "../../index.js";

export class ORSet extends Reference {
  override merge(remote: Json): void {
    const r = remote as { adds: Record<string, string[]> };
    for (const [e, tags] of Object.entries(r.adds)) {
      let mine = this.adds.get(e);
      if (mine === undefined) this.adds.set(e, (mine = new Set()));
      for (const tag of tags) mine.add(tag);
    }
  }
}
