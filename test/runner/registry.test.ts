/**
 * The lab registry lives in grader/runner/labs.ts: the runner finds each suite by its file, so no
 * runner module imports a suite module (the arrow would run back up the layers). grader/suites/index.ts
 * still exports the registry for the code that imports it from there.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as runnerLabs from "../../grader/runner/labs.js";
import * as suitesIndex from "../../grader/suites/index.js";
import { REPO } from "./run-lab.js";

describe("the lab registry", () => {
  it("is imported by no runner module from grader/suites/", () => {
    const runner = join(REPO, "grader", "runner");
    const upward = readdirSync(runner)
      .filter((name) => name.endsWith(".ts"))
      .filter((name) => /\bfrom\s+["']\.\.\/suites\//.test(readFileSync(join(runner, name), "utf8")));
    expect(upward).toEqual([]);
  });

  it("is still exported from grader/suites/index.ts, and loads every available lab's suite", async () => {
    expect(suitesIndex.LABS).toBe(runnerLabs.LABS);
    expect(suitesIndex.findLab).toBe(runnerLabs.findLab);
    for (const entry of runnerLabs.LABS.filter((l) => l.load !== undefined)) {
      const suite = await (entry.load as NonNullable<typeof entry.load>)();
      expect([suite.lab, suite.unit]).toEqual([entry.lab, entry.unit]);
    }
    expect(runnerLabs.findLab("raft")?.unit).toBe(5);
  });
});
