/**
 * Attacks on the grade, each as a submission graded the way a learner's or a batch's is (workers,
 * confined lab code). Every one must earn only what its honest part earns, or be refused clearly.
 * The submissions are the reference (as reference.ts) with an index.ts that attacks. The attacks of
 * issue 13 are self-test samples (grader/instructor/attacks.ts), graded in test/instructor/samples.test.ts;
 * these are the cases that need a closer look than a verdict.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeSubmission } from "../../grader/instructor/samples.js";
import { gradeLab } from "../../grader/runner/grade.js";
import { findLab, type LabEntry } from "../../grader/suites/index.js";

const root = mkdtempSync(join(tmpdir(), "attacks-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const REFERENCE_EXPORTS = `export * from "./reference.js";\n`;

async function attack(name: string, index: string, only: string[], lab = "1") {
  const entry = findLab(lab) as LabEntry;
  const dir = join(writeSubmission(join(root, name), entry.lab, index), "labs", entry.lab);
  return gradeLab({ entry, implDir: dir, implementationLabel: name, mode: "practice", typecheck: false, only, seeds: 2, workers: 2 });
}

describe("confined lab code cannot forge its grade", () => {
  it("a verdict it catches still fails the seed (delivering twice, swallowing the checker's complaint)", async () => {
    const result = await attack(
      "swallows-violation",
      `import { createChannelNode as honest } from "./reference.js";
export * from "./reference.js";
export function createChannelNode(ctx: any, app: any) {
  return honest(ctx, { deliver(from: string, payload: unknown) { app.deliver(from, payload); try { app.deliver(from, payload); } catch {} } });
}
`,
      ["channel-basic"],
    );
    expect(result.tests[0]?.passed).toBe(false);
    expect(result.tests[0]?.failure?.message).toMatch(/twice|more than once|again|duplicate/i);
  });
});

describe("nothing outside the simulation", () => {
  it.each([
    ["node:timers", `import { setTimeout as later } from "node:timers";\nvoid later;\n`],
    ["node:net", `import * as net from "node:net";\nvoid net;\n`],
    ["node:crypto", `import { randomUUID } from "node:crypto";\nvoid randomUUID;\n`],
  ])("importing %s is refused before anything runs", async (module, code) => {
    const result = await attack(`imports-${module.replace(":", "-")}`, `${REFERENCE_EXPORTS}${code}`, ["lamport-rules"]);
    expect(result.loadError).toContain(`imports "${module}": lab code runs confined`);
  });

  it("local-time Date methods do not depend on the grader's time zone", async () => {
    const index = `import { createChannelNode as honest } from "./reference.js";
export * from "./reference.js";
export function createChannelNode(ctx: any, app: any) {
  if (new Date(0).getHours() !== 0 || Date.now() !== ctx.now()) throw new Error("hours " + new Date(0).getHours());
  return honest(ctx, app);
}
`;
    const saved = process.env.TZ;
    process.env.TZ = "Pacific/Kiritimati";
    try {
      const result = await attack("reads-time-zone", index, ["channel-basic"]);
      expect(result.tests[0]?.failure?.message).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });
});
