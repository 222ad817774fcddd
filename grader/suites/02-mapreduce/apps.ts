/**
 * The applications the grader runs on the learner's MapReduce, the inputs it feeds them, and the
 * sequential reference every run's output is compared with. Each worker gets its own recording copy
 * of the application, so checks can see who ran which map or reduce call, and when.
 */
import type { NodeId } from "../../sim/api.js";
import type { Random } from "../../sim/random.js";
import type { KeyValue, MapReduceApp } from "./interface.js";

function words(contents: string): string[] {
  // The runs of a-z, as contents.split(/[^a-z]+/) without the empty strings, but by hand: in a grading
  // worker the intrinsics are frozen, and V8 then takes a much slower path for split with a RegExp.
  const found: string[] = [];
  let start = -1;
  for (let i = 0; i <= contents.length; i++) {
    const c = i < contents.length ? contents.charCodeAt(i) : 0;
    if (c >= 97 && c <= 122) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      found.push(contents.slice(start, i));
      start = -1;
    }
  }
  return found;
}

/** Word count: how many times each word occurs over all inputs. */
export const wordCount: MapReduceApp = {
  name: "word count",
  map: (_file, contents) => words(contents).map((w) => ({ key: w, value: "1" })),
  reduce: (_key, values) => String(values.length),
};

/** Inverted index: for each word, how many inputs contain it and which, sorted. */
export const invertedIndex: MapReduceApp = {
  name: "inverted index",
  map: (file, contents) => [...new Set(words(contents))].map((w) => ({ key: w, value: file })),
  reduce: (_key, values) => {
    const files = [...new Set(values)].sort();
    return `${files.length} ${files.join(",")}`;
  },
};

/** Longest word per first letter (a reduce that is not a count). */
export const longestWord: MapReduceApp = {
  name: "longest word per letter",
  map: (_file, contents) => words(contents).map((w) => ({ key: w[0] as string, value: w })),
  reduce: (_key, values) => [...values].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0))[0] as string,
};

/** The job's expected output: key to value, computed sequentially. */
export function sequentialOutput(app: MapReduceApp, inputs: ReadonlyMap<string, string>): Map<string, string> {
  const grouped = new Map<string, string[]>();
  for (const [file, contents] of inputs) {
    for (const { key, value } of app.map(file, contents)) {
      const list = grouped.get(key);
      if (list) list.push(value);
      else grouped.set(key, [value]);
    }
  }
  const out = new Map<string, string>();
  for (const [key, values] of grouped) out.set(key, app.reduce(key, values));
  return out;
}

const SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "po", "da", "fe"];

/**
 * `count` input files of `minWords`..`maxWords` words each. Words follow a skewed distribution (some
 * are everywhere, many are rare), like real text.
 */
export function makeInputs(rng: Random, count: number, minWords: number, maxWords: number): Map<string, string> {
  const vocabulary: string[] = [];
  for (let i = 0; i < 300; i++) {
    const n = 1 + rng.int(3);
    let w = "";
    for (let k = 0; k < n; k++) w += rng.pick(SYLLABLES);
    vocabulary.push(w);
  }
  const inputs = new Map<string, string>();
  for (let f = 0; f < count; f++) {
    const n = minWords + rng.int(maxWords - minWords + 1);
    const lines: string[] = [];
    let line: string[] = [];
    for (let k = 0; k < n; k++) {
      // Squaring skews the choice towards the start of the vocabulary.
      line.push(vocabulary[Math.floor(rng.next() * rng.next() * vocabulary.length)] as string);
      if (line.length === 12) {
        lines.push(line.join(" "));
        line = [];
      }
    }
    if (line.length > 0) lines.push(line.join(" "));
    inputs.set(`input-${String(f).padStart(3, "0")}.txt`, lines.join("\n") + "\n");
  }
  return inputs;
}

export interface Execution {
  node: NodeId;
  time: number;
  /** The input file (map) or the key (reduce). */
  what: string;
}

/** Records every map and reduce call, with who made it and when. */
export class ExecutionRecorder {
  readonly maps: Execution[] = [];
  readonly reduces: Execution[] = [];

  constructor(private readonly now: () => number) {}

  /** The copy of `app` that worker `node` runs. */
  appFor(app: MapReduceApp, node: NodeId): MapReduceApp {
    return {
      name: app.name,
      map: (file: string, contents: string): KeyValue[] => {
        this.maps.push({ node, time: this.now(), what: String(file) });
        return app.map(file, contents);
      },
      reduce: (key: string, values: readonly string[]): string => {
        this.reduces.push({ node, time: this.now(), what: String(key) });
        return app.reduce(key, values);
      },
    };
  }
}
