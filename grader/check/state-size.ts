/**
 * How much state an object retains: the number of values (numbers, strings, booleans, collection
 * entries) reachable from it through properties, arrays, Maps and Sets. Deterministic, unlike heap
 * measurements, so a bound on it is a fair, repeatable test. It cannot see into closures or
 * #private fields, so labs that bound state ask for it to live in ordinary properties. What the
 * grader handed the node (its context, its storage, stand-ins of the grader's objects) is not counted.
 */
import { isHandedIn } from "../sim/handed-in.js";

export function retainedState(root: unknown, exclude: readonly unknown[] = []): number {
  const seen = new Set<unknown>(exclude);
  let count = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || value === undefined) continue;
    const type = typeof value;
    if (type !== "object") {
      if (type !== "function") count++;
      continue;
    }
    if (seen.has(value) || isHandedIn(value as object)) continue;
    seen.add(value);
    if (value instanceof Map) {
      for (const [k, v] of value) {
        count++;
        stack.push(k, v);
      }
    } else if (value instanceof Set) {
      for (const v of value) {
        count++;
        stack.push(v);
      }
    } else if (ArrayBuffer.isView(value)) {
      count += (value as unknown as { length?: number }).length ?? 0;
    } else {
      for (const key of Object.keys(value)) stack.push((value as Record<string, unknown>)[key]);
    }
  }
  return count;
}
