/**
 * Messages are values: JSON-compatible, copied when handed to the simulator (so neither sender nor
 * receiver can change what travelled, and nothing of the sender's, such as a getter, a proxy or a
 * prototype, reaches the receiver), frozen, and sized in bytes. One walk does all of it: validate,
 * copy, freeze, and measure.
 */
import type { Json } from "./api.js";

/** Thrown when a value cannot travel as a message (or be stored): names the path to the bad part. */
export class NotJsonError extends Error {
  constructor(what: string, path: string, found: string) {
    super(
      `${what} must be a JSON value (plain objects, arrays, strings, finite numbers, booleans, null), ` +
        `but ${path} is ${found}. Convert it first, for example [...set] for a Set or Object.fromEntries(map) for a Map.`,
    );
    this.name = "NotJsonError";
  }
}

/** A value as the simulator keeps it: a frozen plain copy, and its size in bytes. */
export interface Sealed {
  value: Json;
  bytes: number;
}

const MAX_DEPTH = 64;

/**
 * Validates `value` as JSON and returns a deeply frozen plain copy of it with its size in bytes: the
 * length of its JSON text, counting each string character as one byte. Getters are read once, here;
 * the copy holds only data. `what` names the value in error messages.
 */
export function sealValue(value: unknown, what = "a message"): Sealed {
  // The count lives in this call's own object: a getter read during the copy may send a message of
  // its own, and must not disturb this one's size.
  const size = { bytes: 0 };
  const copy = seal(value, what, "it", 0, size);
  return { value: copy, bytes: size.bytes };
}

function seal(value: unknown, what: string, path: string, depth: number, size: { bytes: number }): Json {
  switch (typeof value) {
    case "string":
      size.bytes += value.length + 2;
      return value;
    case "number":
      if (!Number.isFinite(value)) throw new NotJsonError(what, path, String(value));
      size.bytes += numberLength(value);
      return value;
    case "boolean":
      size.bytes += value ? 4 : 5;
      return value;
    case "undefined":
      return undefined as unknown as Json;
    case "object":
      break;
    default:
      throw new NotJsonError(what, path, `a ${typeof value}`);
  }
  if (value === null) {
    size.bytes += 4;
    return null;
  }
  if (depth >= MAX_DEPTH) {
    throw new NotJsonError(what, path, `nested more than ${MAX_DEPTH} levels deep (does it contain a cycle?)`);
  }
  if (Array.isArray(value)) {
    const length = value.length;
    const out = new Array<Json>(length);
    size.bytes += 2 + Math.max(0, length - 1);
    for (let i = 0; i < length; i++) out[i] = seal(value[i], what, `${path}[${i}]`, depth + 1, size);
    return Object.freeze(out);
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const name = (proto?.constructor?.name as string | undefined) ?? "an object with a custom prototype";
    throw new NotJsonError(what, path, `a ${name}`);
  }
  const out: Record<string, Json> = {};
  size.bytes += 2;
  let first = true;
  for (const key in value) {
    size.bytes += key.length + 3 + (first ? 0 : 1);
    first = false;
    out[key] = seal((value as Record<string, unknown>)[key], what, `${path}.${key}`, depth + 1, size);
  }
  return Object.freeze(out);
}

function numberLength(n: number): number {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) {
    let len = n < 0 ? 2 : 1;
    let a = Math.abs(n);
    while (a >= 10) {
      a = Math.floor(a / 10);
      len++;
    }
    return len;
  }
  return String(n).length;
}

/** True for errors that strict-mode JavaScript throws when code changes a frozen object. */
export function isFrozenMutationError(error: unknown): boolean {
  return (
    error instanceof TypeError &&
    /read[- ]only property|object is not extensible|Cannot add property|Cannot delete property|Cannot assign to read only/.test(
      error.message,
    )
  );
}

export type { Json };
