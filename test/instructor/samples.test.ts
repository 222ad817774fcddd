/**
 * The sample submissions behind `npm run grade -- --lab N --self-test` (grader/instructor/samples.ts),
 * for every available lab: each is a self-contained lab folder that loads and provides the lab's
 * exports (a bug-zoo variant's imports, rewritten to sit beside a copy of the reference, resolve), and
 * the broken ones are broken in the way their names say. Grading them end to end is batch.test.ts's
 * job (for Lab 1) and the self-test's; the attacks on the grade are graded here, as the self-test does.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { attacksFor } from "../../grader/instructor/attacks.js";
import { bugZoo, writeSamples } from "../../grader/instructor/samples.js";
import { selfTest } from "../../grader/instructor/self-test.js";
import type { LabSuite } from "../../grader/runner/suite.js";
import { LABS } from "../../grader/suites/index.js";
import { REPO } from "../runner/run-lab.js";

const dir = mkdtempSync(join(tmpdir(), "samples-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(LABS.filter((l) => l.load !== undefined))("Lab $unit samples", (entry) => {
  it("the reference, every bug-zoo variant and each broken kind, each loading as a lab folder of its own", async () => {
    const suite = (await (entry.load as NonNullable<typeof entry.load>)()) as LabSuite<unknown>;
    const samples = await writeSamples(suite, join(dir, entry.lab));
    const bugs = await bugZoo(entry.lab);
    expect(samples.map((s) => s.name)).toEqual([
      "reference",
      ...bugs.map((b) => `bug-${b.name}`),
      "broken-compile-error",
      "broken-import-throws",
      "broken-missing-export",
      "broken-hangs",
      "broken-out-of-memory",
      "broken-floods-output",
      "broken-process-exit",
      "broken-reads-reference",
      "broken-reads-instructor-tests",
      "broken-spawns-process",
      "broken-writes-outside",
      ...attacksFor(suite, bugs).map((a) => `attack-${a.name}`),
    ]);
    for (const sample of samples) {
      const index = join(sample.path, "labs", entry.lab, "index.ts");
      const source = readFileSync(index, "utf8");
      expect(source, sample.name).not.toMatch(/"\.\.\/\.\.\/(index|[a-z-]+)\.js"/);
      // These two fail on import by design; the attacks may only ever run confined (one patches Array.prototype).
      if (["broken-compile-error", "broken-import-throws"].includes(sample.name) || sample.expect.kind === "attack") continue;
      // The grader sits beside labs/ in a course checkout; the grading workers find it on their own.
      if (!existsSync(join(sample.path, "grader"))) symlinkSync(join(REPO, "grader"), join(sample.path, "grader"));
      const module = (await import(index)) as Record<string, unknown>;
      const missing = Object.keys(suite.exports).filter((name) => typeof module[name] !== "function");
      expect(missing, sample.name).toEqual(sample.name === "broken-missing-export" ? [Object.keys(suite.exports)[0]] : []);
    }
  });
});

describe.each(["1", "5"])("Lab %s attacks on the grade", (unit) => {
  it("each earns what its honest part earns, or is refused, and none of its output reaches the results", async () => {
    const entry = LABS.find((l) => String(l.unit) === unit) as (typeof LABS)[number];
    const rows = await selfTest({ entry, outDir: join(dir, `attacks-${unit}`), kinds: ["attack"], parallel: 2 });
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(rows.filter((r) => !r.ok)).toEqual([]);
  }, 300_000);
});
