/**
 * Stand-ins for what the grader hands confined lab code besides its context: an application object
 * (`app.deliver`), a shared file system, a job description, a list of neighbours, a test's vector
 * timestamp. Lab code gets a copy of the data and, for each function or method, a wrapper that calls
 * the original. So it can use them as the handout says but can neither change the grader's own
 * objects nor reach what they hold: a class instance shows only its methods and getters, never its
 * fields.
 *
 * Values lab code passes back through a wrapper are copied as JSON data (sealValue), and what the
 * grader returns is a stand-in again. Every call goes through the seed's tripwire.
 */
import type { Where } from "../sim/errors.js";
import { sealValue } from "../sim/message.js";
import { markHandedIn } from "../sim/handed-in.js";
import type { Tripwire } from "./confined-impl.js";

const MAX_DEPTH = 32;

/** The stand-in lab code receives for `value`. */
export function guestArgument(value: unknown, tripwire: Tripwire, where: () => Where): unknown {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return value;
  return new StandIns(tripwire, where).of(value, 0);
}

/** One conversion: remembers what it made, so shared and circular parts stay shared. */
class StandIns {
  private readonly made = new Map<object, unknown>();
  constructor(
    private readonly tripwire: Tripwire,
    private readonly where: () => Where,
  ) {}

  of(value: unknown, depth: number): unknown {
    if (value === null || (typeof value !== "object" && typeof value !== "function")) return value;
    const known = this.made.get(value);
    if (known !== undefined) return known;
    if (depth > MAX_DEPTH) return undefined;
    if (typeof value === "function") {
      const stand = this.wrap(value as Method, undefined, value.name || "a function");
      this.made.set(value, stand);
      return stand;
    }
    if (Array.isArray(value)) {
      const copy: unknown[] = [];
      this.made.set(value, copy);
      for (const item of value) copy.push(this.of(item, depth + 1));
      return copy;
    }
    const stand: Record<string, unknown> = markHandedIn({});
    this.made.set(value, stand);
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) {
      for (const key of Object.keys(value)) this.member(stand, value, value, key, true, depth);
    } else {
      // A class instance: its methods and getters (its fields are private).
      for (let p = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
        for (const key of Object.getOwnPropertyNames(p)) if (key !== "constructor" && !(key in stand)) this.member(stand, value, p, key, false, depth);
      }
    }
    // Frozen: a stand-in is the grader's, so state measures skip it, and lab code may not keep state in it.
    return Object.freeze(stand);
  }

  private member(stand: Record<string, unknown>, target: object, source: object, key: string, plain: boolean, depth: number): void {
    const desc = Object.getOwnPropertyDescriptor(source, key) as PropertyDescriptor;
    if (desc.get !== undefined) {
      const get = desc.get;
      Object.defineProperty(stand, key, { enumerable: true, get: () => guestArgument(this.tripwire.call(this.where, () => get.call(target)), this.tripwire, this.where) });
    } else if (typeof desc.value === "function") {
      stand[key] = this.wrap(desc.value as Method, target, key);
    } else if (plain) {
      stand[key] = this.of(desc.value, depth + 1);
    }
  }

  private wrap(fn: Method, self: unknown, name: string): Method {
    const { tripwire, where } = this;
    return (...args: unknown[]) => {
      const copies = args.map((arg) => sealValue(arg, `what lab code passed to ${name}`).value);
      return guestArgument(
        tripwire.call(where, () => fn.apply(self, copies)),
        tripwire,
        where,
      );
    };
  }
}

type Method = (...args: unknown[]) => unknown;
