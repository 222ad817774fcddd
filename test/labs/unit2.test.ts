/**
 * Lab 2's suite is honest (see lab-honesty.ts), its shared file system behaves as the interface says,
 * and the straggler and scale tests note their measurements in the trace.
 */
import { describe, expect, it } from "vitest";
import { runSeed } from "../../grader/runner/run-seed.js";
import { Simulation } from "../../grader/sim/simulation.js";
import { suite } from "../../grader/suites/02-mapreduce/index.js";
import type { FsResult, Lab2, SharedFs, WorkerNode } from "../../grader/suites/02-mapreduce/interface.js";
import { FS_COST, SharedFileSystem } from "../../grader/suites/02-mapreduce/shared-fs.js";
import * as skeleton from "../../labs/02-mapreduce/index.js";
import { BUGS } from "../../solutions-private/02-mapreduce/bugs/index.js";
import * as reference from "../../solutions-private/02-mapreduce/index.js";
import { instructorTests } from "../../solutions-private/02-mapreduce/instructor-suite.js";
import { describeLabHonesty, handoutSections } from "./lab-honesty.js";

describeLabHonesty<Lab2>({
  suite,
  reference: reference as Lab2,
  skeleton,
  bugs: BUGS,
  minBugs: 8,
  instructorTests,
  traces: { tests: ["mr-crash-write", "mr-paused-worker", "mr-lost-rpcs"], bug: "output-written-in-place" },
});

/** A one-worker world whose worker runs `script` at start and records what onFsDone receives. */
function world(script: (fs: SharedFs) => void) {
  const sim = new Simulation({ seed: 1 });
  const fs = new SharedFileSystem(sim);
  const results: [number, FsResult][] = [];
  sim.addNode("w1", () => {
    let worker: WorkerNode | null = null;
    const handle = fs.handleFor("w1", () => worker);
    worker = { onStart: () => script(handle), onFsDone: (r) => void results.push([sim.now, r]) };
    return worker;
  });
  return { sim, fs, results };
}

describe("Lab 2 shared file system", () => {
  it("a write costs time in proportion to its size, and the file is final only when it is done", () => {
    const data = "x".repeat(1000);
    const { sim, fs, results } = world((h) => h.write({ a: data }));
    sim.start();
    expect(fs.notFinal("a")).toMatch(/still writing/);
    expect(fs.files.get("a")?.contents.length).toBeLessThan(1000);
    sim.run();
    expect(results).toEqual([[Math.ceil(FS_COST.latencyMs + 1000 / FS_COST.bytesPerMs), { op: "write", paths: ["a"] }]]);
    expect(fs.notFinal("a")).toBeNull();
  });

  it("a crash mid-write leaves a partial file behind; rename is atomic; a busy worker cannot start another read", () => {
    const { sim, fs } = world((h) => {
      h.write({ tmp: "y".repeat(500) });
      expect(() => h.read(["tmp"])).toThrow(/wait for onFsDone/);
    });
    sim.start();
    sim.at(3, "crash", () => sim.crash("w1"));
    sim.run();
    expect(fs.notFinal("tmp")).toMatch(/never finished/);
    let listed: string[] = [];
    const { sim: sim2, fs: fs2 } = world((h) => {
      h.rename("src", "dst");
      listed = h.list("");
    });
    fs2.put("src", "hello");
    sim2.start();
    expect(listed).toEqual(["dst"]);
    expect(fs2.files.get("dst")?.contents).toBe("hello");
  });

  it("a paused worker's write stays partial until it resumes", () => {
    const { sim, fs, results } = world((h) => h.write({ a: "q".repeat(200) }));
    sim.start();
    sim.pause("w1", 100);
    sim.run(50);
    expect(fs.notFinal("a")).toMatch(/still writing/);
    sim.run();
    expect(results[0]?.[0]).toBe(100);
    expect(fs.notFinal("a")).toBeNull();
  });
});

/** Two workers: w1 runs `first` at start, w2 runs `second` 5 ms later. */
function pair(first: (fs: SharedFs) => void, second: (fs: SharedFs) => void) {
  const sim = new Simulation({ seed: 1 });
  const fs = new SharedFileSystem(sim);
  let thrown: unknown = null;
  for (const [id, script, delay] of [["w1", first, 0], ["w2", second, 5]] as const) {
    sim.addNode(id, (ctx) => {
      let worker: WorkerNode | null = null;
      const handle = fs.handleFor(id, () => worker);
      worker = {
        onStart: () => void ctx.setTimer(delay, "go"),
        onTimer: () => {
          try {
            script(handle);
          } catch (error) {
            thrown = error;
          }
        },
        onFsDone: () => {},
      };
      return worker;
    });
  }
  sim.start();
  sim.run();
  return { fs, thrown: () => thrown };
}

describe("Lab 2 file system records, for failure messages", () => {
  it("a read of a file another worker is still writing records the file and the write", () => {
    const { fs } = pair((h) => h.write({ a: "z".repeat(1000) }), (h) => h.read(["a"]));
    const read = fs.ops.find((op) => op.node === "w2" && op.op === "read");
    expect(read?.torn?.map((t) => [t.path, t.writer?.node])).toEqual([["a", "w1"]]);
    expect(fs.ops.find((op) => op.node === "w1")?.due).toBe(Math.ceil(FS_COST.latencyMs + 1000 / FS_COST.bytesPerMs));
  });

  it("renaming a temporary file that was already renamed away says who renamed it, and when", () => {
    const { thrown } = pair(
      (h) => {
        h.write({ tmp: "q" });
      },
      (h) => {
        h.rename("tmp", "out");
        h.rename("tmp", "out");
      },
    );
    expect(String(thrown())).toMatch(/no file named "tmp" .*this worker already renamed it to "out"/);
  });
});

describe("Lab 2 practice tests that state their bounds", () => {
  it("find each phrase they declare in the handout section they name (as instructor-only tests must)", () => {
    const sections = handoutSections(suite.lab);
    const norm = (text: string) => text.replace(/\s+/g, " ").trim().toLowerCase();
    const declaring = suite.tests.filter((t) => t.handout !== undefined);
    expect(declaring.map((t) => t.id)).toEqual(expect.arrayContaining(["mr-job-count", "mr-restarts"]));
    for (const t of declaring) {
      const text = sections.get(norm(t.handout?.section ?? ""));
      expect(text, `${t.id}: no section "${t.handout?.section}"`).toBeDefined();
      for (const phrase of t.handout?.states ?? []) expect(text, `${t.id}: "${phrase}"`).toContain(norm(phrase));
    }
  });
});

describe("Lab 2 measurements", () => {
  it("passing straggler and scale runs note their times in the trace", () => {
    for (const [id, pattern] of [
      ["mr-stragglers", /stragglers \(passed\): done at t=\d+ms with w\d+ \d+ times slower, t=\d+ms without \([\d.]+x; the bound is 2x\)/],
      ["mr-scale", /scale \(passed\): 200 inputs, 20 reduce tasks, 20 workers: done at t=\d+ms, ideal \d+ms \([\d.]+x; the bound is 8x\)/],
    ] as const) {
      const test = suite.tests.find((t) => t.id === id)!;
      const result = runSeed(suite, test, reference as Lab2, 1, { trace: true });
      expect(result.passed).toBe(true);
      expect(result.trace).toMatch(pattern);
    }
  });
});
