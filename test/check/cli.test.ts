/**
 * `npm run check`: verdicts, exit statuses, the JSON document and unreadable input. Runs the
 * command's function in-process (one real `npm run check` at the end).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { runCheck } from "../../grader/cli/check.js";
import { fixturePath } from "./fixtures.js";

describe("npm run check", () => {
  it("prints a violation with its explanation and exits 1", () => {
    const out = runCheck([fixturePath("porcupine", "jepsen", "etcd_000.log")]);
    expect(out.code).toBe(1);
    expect(out.stdout).toMatch(/^VIOLATION: cas-register, 65 operations/);
    expect(out.stdout).toMatch(/Cannot place: process 11: read\(\) -> 2/);
  });

  it("exits 0 for ok, with the JSON document", () => {
    const out = runCheck([fixturePath("porcupine", "kv", "c10-ok.txt"), "--model", "kv", "--json"]);
    expect(out.code).toBe(0);
    const doc = JSON.parse(out.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({ verdict: "ok", model: "kv", operations: 337 });
    expect(typeof doc.durationMs).toBe("number");
  });

  it("checks isolation histories and lists anomalies", () => {
    const out = runCheck([fixturePath("elle", "list-append-anomaly-lost-update.json"), "--json"]);
    expect(out.code).toBe(1);
    const doc = JSON.parse(out.stdout) as { model: string; anomalies: Record<string, unknown>; explanation: string[] };
    expect(doc.model).toBe("list-append");
    expect(Object.keys(doc.anomalies).sort()).toEqual(["G2-item", "lost-update"]);
    expect(doc.explanation.join("\n")).toMatch(/T1 -rw-> T2/);
    const rw = runCheck([fixturePath("elle", "rw-register-keys-linearizable-anomaly.json"), "--linearizable-keys"]);
    expect(rw.code).toBe(1);
    expect(rw.stdout).toMatch(/Anomalies: cyclic-versions/);
  });

  it("exits 2 for unknown (budget) and for unreadable input, naming the line", () => {
    expect(runCheck([fixturePath("porcupine", "kv", "c10-ok.txt"), "--no-partition", "--max-steps", "100"]).code).toBe(2);
    const bad = runCheck(["h.edn"], () => "{:type :invoke, :process 0, :f :read}\n{:type :ok :process 0, :f\n");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/cannot read h\.edn: line 2: /);
    expect(runCheck(["missing.json"], () => {
      throw new Error("ENOENT: no such file");
    }).stderr).toMatch(/cannot read missing\.json: ENOENT/);
    expect(runCheck([]).code).toBe(2);
  });

  it("runs as an npm script", async () => {
    const run = promisify(execFile);
    const result = await run("npm", ["run", "-s", "check", "--", fixturePath("elle", "list-append-anomaly-g0-cycle.json")], { cwd: new URL("../..", import.meta.url).pathname }).catch((e: { code: number; stdout: string }) => e);
    expect((result as { code?: number }).code).toBe(1);
    expect(result.stdout).toMatch(/Anomalies: G0/);
  });
});
