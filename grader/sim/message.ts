/**
 * Messages are values: JSON-compatible, frozen once sent (so neither sender nor receiver can change
 * what travelled), and sized in bytes. One walk does all three: validate, freeze, and measure.
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

const MAX_DEPTH = 64;

/**
 * Validates `value` as JSON, deep-freezes it, and returns its size in bytes: the length of its JSON
 * text, counting each string character as one byte. `what` names the value in error messages.
 */
export function sealValue(value: unknown, what = "a message"): number {
  return seal(value, what, "it", 0);
}

function seal(value: unknown, what: string, path: string, depth: number): number {
  switch (typeof value) {
    case "string":
      return value.length + 2;
    case "number":
      if (!Number.isFinite(value)) throw new NotJsonError(what, path, String(value));
      return numberLength(value);
    case "boolean":
      return value ? 4 : 5;
    case "undefined":
      return 0;
    case "object":
      break;
    default:
      throw new NotJsonError(what, path, `a ${typeof value}`);
  }
  if (value === null) return 4;
  if (depth >= MAX_DEPTH) {
    throw new NotJsonError(what, path, `nested more than ${MAX_DEPTH} levels deep (does it contain a cycle?)`);
  }
  if (Array.isArray(value)) {
    let bytes = 2 + Math.max(0, value.length - 1);
    for (let i = 0; i < value.length; i++) bytes += seal(value[i], what, `${path}[${i}]`, depth + 1);
    Object.freeze(value);
    return bytes;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const name = (proto?.constructor?.name as string | undefined) ?? "an object with a custom prototype";
    throw new NotJsonError(what, path, `a ${name}`);
  }
  let bytes = 2;
  let first = true;
  for (const key in value) {
    bytes += key.length + 3 + (first ? 0 : 1);
    first = false;
    bytes += seal((value as Record<string, unknown>)[key], what, `${path}.${key}`, depth + 1);
  }
  Object.freeze(value);
  return bytes;
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
