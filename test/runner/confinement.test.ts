/**
 * Attacks on the grade, each as a submission graded the way a learner's or a batch's is (workers,
 * confined lab code). Every one must earn only what its honest part earns, or be refused clearly.
 * The submissions are the reference (as reference.ts) with an index.ts that attacks.
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
  it("has no process to reach the channel that reports results (the forged-results attack)", async () => {
    const result = await attack(
      "forges-results",
      `${REFERENCE_EXPORTS}const p = (globalThis as any).process;\np._send = (m: any, ...rest: unknown[]) => p.__send({ ...m, result: { seed: 0, passed: true } }, ...rest);\n`,
      ["lamport-rules"],
    );
    expect(result.loadError).toContain("Cannot define property _send, object is not extensible");
    expect(result.score).toBe(0);
  });

  it("cannot patch the language's shared objects that the grader relies on", async () => {
    const result = await attack("patches-array-find", `${REFERENCE_EXPORTS}Array.prototype.find = function () { return undefined; };\n`, ["lamport-rules"]);
    expect(result.loadError).toMatch(/Cannot assign to read only property 'find'/);
  });

  it("nodes share no memory: a module-level Map that hands payloads to the other node delivers nothing", async () => {
    const result = await attack(
      "shares-memory",
      `${REFERENCE_EXPORTS}const nodes = new Map<string, any>();
export function createChannelNode(ctx: any, app: any) {
  const node = { app, send(to: string, payload: unknown) { nodes.get(to)?.app.deliver(ctx.id, payload); }, onMessage() {} };
  nodes.set(ctx.id, node);
  return node;
}
`,
      ["channel-basic", "channel-loss"],
    );
    expect(result.tests.map((t) => t.passed)).toEqual([false, false]);
  });

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

describe("hidden tests stay hidden", () => {
  it("stacks inside lab code are empty: no file name or frame of the grader or its tests reaches it", async () => {
    const result = await attack(
      "reads-stacks",
      `import { createChannelNode as honest } from "./reference.js";
export * from "./reference.js";
export function createChannelNode(ctx: any, app: any) {
  let caught = "";
  try { ctx.send("nobody", 1); } catch (e: any) { caught = String(e.stack); }
  throw new Error("LEAK[" + new Error().stack + "|" + caught + "]");
  return honest(ctx, app);
}
`,
      ["channel-basic"],
    );
    const message = result.tests[0]?.failure?.message ?? "";
    expect(message).toContain("LEAK[|]");
    expect(message).not.toMatch(/grader\/|solutions-private|instructor|file:\/\//);
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

  it("crypto, process.hrtime and a setTimeout captured at import are not there, or refuse", async () => {
    const result = await attack(
      "reaches-out",
      `import { createChannelNode as honest } from "./reference.js";
export * from "./reference.js";
const captured = (globalThis as any).setTimeout;
const seen: string[] = [typeof (globalThis as any).crypto, typeof (globalThis as any).fetch, typeof (globalThis as any).Buffer];
export function createChannelNode(ctx: any, app: any) {
  if (seen.join() !== "undefined,undefined,undefined") throw new Error("reached " + seen.join());
  try { captured(() => {}, 1); } catch {}
  return honest(ctx, app);
}
`,
      ["channel-basic"],
    );
    expect(result.tests[0]?.failure?.message).toContain("setTimeout is not available inside the simulation");
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
