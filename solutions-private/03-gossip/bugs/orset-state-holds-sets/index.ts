/**
 * Classic mistake: an OR-Set whose state() hands out its Maps and Sets. JSON has no Map or Set:
 * over the network (or through JSON.stringify) they turn into {}, and a replica rebuilt from the
 * snapshot is empty. state() must be plain JSON: objects, arrays, strings and numbers.
 */
import type { Json } from "../../../../grader/sim/api.js";
import { ORSet as Reference } from "../../crdts.js";

export * from "../../index.js";

export class ORSet extends Reference {
  override state(): Json {
    return { adds: this.adds, removes: this.removes } as unknown as Json;
  }

  override merge(remote: Json): void {
    const r = remote as unknown as { adds: unknown; removes: unknown };
    if (r.adds instanceof Map) super.merge({ adds: toTags(r.adds), removes: toTags(r.removes as Map<string, Set<string>>) });
    else super.merge({ adds: (r.adds ?? {}) as Json, removes: (r.removes ?? {}) as Json });
  }
}

function toTags(m: Map<string, Set<string>>): Record<string, string[]> {
  return Object.fromEntries([...m].map(([e, tags]) => [e, [...tags]]));
}
