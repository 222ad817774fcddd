/**
 * A model is the sequential specification a linearizable object must behave like: an initial
 * state and a step function saying whether an operation, with the output it returned, is legal
 * in a state (and what state follows). States must be immutable values; `key` turns a state into
 * a primitive so the checker can remember which (linearized set, state) pairs it has explored.
 */
import type { Json } from "../../sim/api.js";
import type { PairedOp } from "../history-formats/index.js";

export type StateKey = string | number | boolean | null;

export interface Model<S, I, O> {
  readonly name: string;
  init(): S;
  /**
   * The state after applying `input` in `state`, or `undefined` if returning `output` there is
   * impossible. `output === undefined` means the outcome is unknown (an `info` operation): any
   * output is acceptable.
   */
  step(state: S, input: I, output: O | undefined): S | undefined;
  /** A primitive that is equal for equal states. */
  key(state: S): StateKey;
  /** If the model is a product of independent objects (e.g. keys of a map), which one `input` touches. */
  partition?(input: I): string;
  /** Optionally, a cheaper model of one partition (e.g. a single key's value); by default this model. */
  partitionModel?: Model<unknown, I, O>;
  /** Turns a recorded operation into the model's input/output; `null` drops it (e.g. a failed write). */
  fromHistory(op: PairedOp): { input: I; output: O | undefined } | null;
  describeOperation(input: I, output: O | undefined): string;
  describeState(state: S): string;
}

/** Any model, for code that handles models generically. */
// biome-ignore lint: the type parameters are deliberately erased here
export type AnyModel = Model<any, any, any>;

const show = (v: Json | undefined): string => (v === undefined ? "?" : JSON.stringify(v));
function primitiveKey(v: Json): StateKey {
  return v !== null && typeof v === "object" ? `\u0000${JSON.stringify(v)}` : v;
}
function same(a: Json, b: Json): boolean {
  return a === b || (typeof a === "object" && typeof b === "object" && JSON.stringify(a) === JSON.stringify(b));
}

// ---------------------------------------------------------------------------------------------
// Register and compare-and-set register

export type RegisterInput = { f: "read" } | { f: "write"; value: Json } | { f: "cas"; from: Json; to: Json };
/** For read: the value read. For cas: whether it swapped. For write: null. */
export type RegisterOutput = Json;

export interface CasRegisterOptions {
  /**
   * What a `fail` completion of a cas means. "mismatch" (Jepsen's etcd and Porcupine): the compare
   * failed, so the register did not hold `from` at that moment. "no-effect": only that the cas did
   * not happen (safe when a cas may also fail for other reasons, e.g. no leader). Default "no-effect".
   */
  failedCas?: "mismatch" | "no-effect";
  /** Initial value, default null. */
  initial?: Json;
}

function makeRegisterModel(name: string, allowCas: boolean, options: CasRegisterOptions = {}): Model<Json, RegisterInput, RegisterOutput> {
  const failedCas = options.failedCas ?? "no-effect";
  const initial = options.initial ?? null;
  return {
    name,
    init: () => initial,
    step(state, input, output) {
      switch (input.f) {
        case "read":
          return output === undefined || same(output, state) ? state : undefined;
        case "write":
          return input.value;
        case "cas": {
          const matches = same(state, input.from);
          if (output === undefined) return matches ? input.to : state;
          if (output === true) return matches ? input.to : undefined;
          return matches ? undefined : state;
        }
      }
    },
    key: primitiveKey,
    fromHistory(op) {
      const f = op.f;
      if (f === "read" || f === "r" || f === "get") {
        if (op.type === "fail") return null;
        return { input: { f: "read" }, output: op.type === "ok" ? op.value : undefined };
      }
      if (f === "write" || f === "w" || f === "put") {
        if (op.type === "fail") return null;
        return { input: { f: "write", value: op.invokeValue }, output: op.type === "ok" ? null : undefined };
      }
      if (allowCas && f === "cas") {
        const arg = op.invokeValue;
        if (!Array.isArray(arg) || arg.length !== 2) throw new Error(`cas needs a value [from, to], got ${JSON.stringify(arg)}`);
        const input: RegisterInput = { f: "cas", from: arg[0] as Json, to: arg[1] as Json };
        if (op.type === "ok") return { input, output: true };
        if (op.type === "info") return { input, output: undefined };
        return failedCas === "mismatch" ? { input, output: false } : null;
      }
      throw new Error(`${name}: unknown operation ${JSON.stringify(f)}`);
    },
    describeOperation(input, output) {
      switch (input.f) {
        case "read":
          return `read() -> ${show(output)}`;
        case "write":
          return `write(${show(input.value)})${output === undefined ? " (outcome unknown)" : ""}`;
        case "cas":
          return `cas(${show(input.from)}, ${show(input.to)}) -> ${output === undefined ? "unknown" : output ? "ok" : "fail"}`;
      }
    },
    describeState: (s) => `value ${show(s)}`,
  };
}

export const registerModelWith = (options: CasRegisterOptions = {}) => makeRegisterModel("register", false, options);
export const casRegisterModelWith = (options: CasRegisterOptions = {}) => makeRegisterModel("cas-register", true, options);

// ---------------------------------------------------------------------------------------------
// Key-value map: get, put, append (string concatenation)

export type KvInput = { f: "get"; key: string } | { f: "put"; key: string; value: Json } | { f: "append"; key: string; value: Json };
export type KvOutput = Json;
/**
 * A map from key to value, as parallel arrays sorted by key (immutable), with each entry's
 * canonical encoding kept alongside so equal maps get equal keys cheaply. A missing key reads
 * as the empty value (null or "").
 */
export interface KvState {
  readonly keys: readonly string[];
  readonly values: readonly Json[];
  readonly parts: readonly string[];
}

function kvKeyOf(value: Json): { key: string; value: Json } {
  if (Array.isArray(value) && value.length >= 1) return { key: String(value[0]), value: (value[1] ?? null) as Json };
  if (value !== null && typeof value === "object" && !Array.isArray(value) && "key" in value) {
    return { key: String(value.key), value: (value.value ?? null) as Json };
  }
  throw new Error(`kv: expected {key, value} or [key, value], got ${JSON.stringify(value)}`);
}

const empty = (v: Json | undefined): boolean => v === undefined || v === null || v === "";
/** Unambiguous: lengths prefix the strings. */
const encodeEntry = (k: string, v: Json): string => (typeof v === "string" ? `${k.length}:${k}s${v.length}:${v}` : `${k.length}:${k}j${JSON.stringify(v)}\u0000`);

/** Position of `key` in the sorted keys, or where it would go. */
function slot(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function kvGet(state: KvState, key: string): Json | undefined {
  const i = slot(state.keys, key);
  return state.keys[i] === key ? state.values[i] : undefined;
}

function withKey(state: KvState, key: string, value: Json): KvState {
  const i = slot(state.keys, key);
  const keys = state.keys.slice();
  const values = state.values.slice();
  const parts = state.parts.slice();
  if (keys[i] === key) {
    values[i] = value;
    parts[i] = encodeEntry(key, value);
  } else {
    keys.splice(i, 0, key);
    values.splice(i, 0, value);
    parts.splice(i, 0, encodeEntry(key, value));
  }
  return { keys, values, parts };
}

const EMPTY_KV: KvState = { keys: [], values: [], parts: [] };

export const kvModel: Model<KvState, KvInput, KvOutput> = {
  name: "kv",
  init: () => EMPTY_KV,
  step(state, input, output) {
    const current = kvGet(state, input.key);
    switch (input.f) {
      case "get":
        if (output === undefined) return state;
        return (empty(current) && empty(output)) || same(current ?? null, output) ? state : undefined;
      case "put":
        return withKey(state, input.key, input.value);
      case "append":
        return withKey(state, input.key, `${current === undefined || current === null ? "" : String(current)}${String(input.value)}`);
    }
  },
  key: (state) => state.parts.join(""),
  partition: (input) => input.key,
  get partitionModel() {
    return kvKeyModel as Model<unknown, KvInput, KvOutput>;
  },
  fromHistory(op) {
    if (op.type === "fail") return null;
    const inv = kvKeyOf(op.invokeValue);
    const f = op.f === "read" || op.f === "r" ? "get" : op.f === "write" || op.f === "w" ? "put" : op.f;
    if (f === "get") return { input: { f, key: inv.key }, output: op.type === "ok" ? kvKeyOf(op.value).value : undefined };
    if (f === "put" || f === "append") return { input: { f, key: inv.key, value: inv.value }, output: op.type === "ok" ? null : undefined };
    throw new Error(`kv: unknown operation ${JSON.stringify(op.f)}`);
  },
  describeOperation(input, output) {
    if (input.f === "get") return `get(${JSON.stringify(input.key)}) -> ${show(output)}`;
    return `${input.f}(${JSON.stringify(input.key)}, ${show(input.value)})${output === undefined ? " (outcome unknown)" : ""}`;
  },
  describeState(state) {
    if (state.keys.length === 0) return "empty map";
    return state.keys.map((k, i) => `${k}=${show(state.values[i])}`).join(", ");
  },
};

/** One key of the map: the state is just that key's value (missing: null). */
const kvKeyModel: Model<Json, KvInput, KvOutput> = {
  name: "kv",
  init: () => null,
  step(state, input, output) {
    switch (input.f) {
      case "get":
        if (output === undefined) return state;
        return (empty(state) && empty(output)) || same(state, output) ? state : undefined;
      case "put":
        return input.value;
      case "append":
        return `${state === null ? "" : String(state)}${String(input.value)}`;
    }
  },
  key: primitiveKey,
  fromHistory: (op) => kvModel.fromHistory(op),
  describeOperation: (input, output) => kvModel.describeOperation(input, output),
  describeState: (s) => `value ${show(s)}`,
};

// ---------------------------------------------------------------------------------------------
// Set: add(x), remove(x), read() -> all elements

export type SetInput = { f: "add"; value: Json } | { f: "remove"; value: Json } | { f: "read" };
/** A sorted array of JSON-encoded elements. */
export type SetState = readonly string[];

export const setModel: Model<SetState, SetInput, Json> = {
  name: "set",
  init: () => [],
  step(state, input, output) {
    const enc = input.f === "read" ? "" : JSON.stringify(input.value);
    switch (input.f) {
      case "add":
        return state.includes(enc) ? state : [...state, enc].sort();
      case "remove":
        return state.filter((e) => e !== enc);
      case "read": {
        if (output === undefined) return state;
        if (!Array.isArray(output)) return undefined;
        const seen = [...new Set(output.map((e) => JSON.stringify(e)))].sort();
        return seen.length === state.length && seen.every((e, i) => e === state[i]) ? state : undefined;
      }
    }
  },
  key: (state) => state.join("\u0001"),
  fromHistory(op) {
    if (op.type === "fail") return null;
    if (op.f === "add" || op.f === "remove") return { input: { f: op.f, value: op.invokeValue }, output: op.type === "ok" ? null : undefined };
    if (op.f === "read") return { input: { f: "read" }, output: op.type === "ok" ? op.value : undefined };
    throw new Error(`set: unknown operation ${JSON.stringify(op.f)}`);
  },
  describeOperation(input, output) {
    if (input.f === "read") return `read() -> ${show(output)}`;
    return `${input.f}(${show(input.value)})${output === undefined ? " (outcome unknown)" : ""}`;
  },
  describeState: (s) => `{${s.join(", ")}}`,
};

export const registerModel = registerModelWith();
export const casRegisterModel = casRegisterModelWith();
