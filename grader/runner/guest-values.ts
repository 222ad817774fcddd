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
import type { Locator, Tripwire } from "./confined-impl.js";

const MAX_DEPTH = 32;

/** The stand-in lab code receives for `value`. */
export function guestArgument(value: unknown, tripwire: Tripwire, where: Locator): unknown {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return value;
  return new StandIns(tripwire, where).of(value, 0);
}

/**
 * The stand-ins of a call's arguments from index `from` on (those before it are left undefined, for
 * the caller to fill), made in one conversion: what two arguments share stays shared.
 */
export function guestArguments(args: readonly unknown[], from: number, tripwire: Tripwire, where: Locator): unknown[] {
  const guest: unknown[] = new Array(args.length);
  let standIns: StandIns | undefined;
  for (let i = from; i < args.length; i++) {
    const value = args[i];
    guest[i] = value === null || (typeof value !== "object" && typeof value !== "function") ? value : (standIns ??= new StandIns(tripwire, where)).of(value, 0);
  }
  return guest;
}

/** One conversion: remembers what it made, so shared and circular parts stay shared. */
class StandIns {
  private readonly made = new Map<object, unknown>();
  constructor(
    private readonly tripwire: Tripwire,
    private readonly where: Locator,
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
    const stand: Record<string, unknown> = {};
    this.made.set(value, stand);
    const proto = Object.getPrototypeOf(value);
    let service = false;
    if (proto === Object.prototype || proto === null) {
      for (const key of Object.keys(value)) service = this.member(stand, value, value, key, true, depth) || service;
    } else {
      // A class instance: its methods and getters (its fields are private).
      for (let p = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
        for (const key of Object.getOwnPropertyNames(p)) if (key !== "constructor" && !(key in stand)) service = this.member(stand, value, p, key, false, depth) || service;
      }
    }
    // A stand-in with methods or getters is one of the grader's objects (an app, a file system): state
    // measures skip it, and it is frozen so that lab code keeps no state in it. Plain data is the node's
    // copy, to keep or change as it likes.
    return service ? Object.freeze(markHandedIn(stand)) : stand;
  }

  /** Copies one member onto the stand-in; true when it is a method or getter (so `stand` is a service). */
  private member(stand: Record<string, unknown>, target: object, source: object, key: string, plain: boolean, depth: number): boolean {
    const desc = Object.getOwnPropertyDescriptor(source, key) as PropertyDescriptor;
    if (desc.get !== undefined) {
      const get = desc.get;
      Object.defineProperty(stand, key, { enumerable: true, get: () => guestArgument(this.tripwire.call(this.where, () => get.call(target)), this.tripwire, this.where) });
      return true;
    }
    if (typeof desc.value === "function") {
      stand[key] = this.wrap(desc.value as Method, target, key);
      return true;
    }
    if (plain) stand[key] = this.of(desc.value, depth + 1);
    return false;
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
