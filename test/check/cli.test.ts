/**
 * `npm run check`: verdicts, exit statuses, the JSON document and unreadable input. Runs the
 * command's function in-process (one real `npm run check` at the end).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { syntheticRegisterHistory } from "../../grader/bench/register-histories.js";
import { DEFAULT_TIMEOUT_MS, runCheck } from "../../grader/cli/check.js";
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

  it("refuses bad option values on one line with exit 2, before reading the file", () => {
    const h = fixturePath("porcupine", "kv", "c01-ok.txt");
    for (const [args, message] of [
      [["--max-steps", "abc"], /^check: --max-steps must be a positive whole number, got "abc"\n$/],
      [["--max-steps=0"], /--max-steps must be a positive whole number/],
      [["--max-steps=1e3"], /--max-steps must be a positive whole number/],
      [["--timeout-ms=-5"], /^check: --timeout-ms must be a number of milliseconds \(0: no limit\), got "-5"\n$/],
      [["--timeout-ms=NaN"], /--timeout-ms must be a number/],
      [["--timeout", "soon"], /--timeout must be a duration such as 90s/],
      [["--timeout=-1s"], /--timeout must be a duration/],
      [["--timeout=1s", "--timeout-ms=5"], /not both/],
    ] as const) {
      let read = false;
      const out = runCheck([h, ...args], () => {
        read = true;
        return "";
      });
      expect(out.code, args.join(" ")).toBe(2);
      expect(out.stderr, args.join(" ")).toMatch(message);
      expect(out.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(read).toBe(false);
    }
  });

  it("ends in unknown with a message when the time budget runs out, never ok", () => {
    const history = JSON.stringify(syntheticRegisterHistory({ operations: 20_000, stale: true }));
    const out = runCheck(["h.json", "--timeout", "1ms"], () => history);
    expect(out.code).toBe(2);
    expect(out.stdout).toMatch(/^UNKNOWN: register, 20000 operations/);
    expect(out.stdout).toMatch(/ran out of its time budget of 1 ms after [\d,]+ search steps without an answer\. This is not a pass: give it longer with --timeout/);
    const json = JSON.parse(runCheck(["h.json", "--timeout-ms", "1", "--json"], () => history).stdout) as { verdict: string; reason: string };
    expect(json.verdict).toBe("unknown");
    expect(json.reason).toMatch(/time budget of 1 ms/);
    // The default budget applies when none is given, and says so; 0 removes it.
    expect(DEFAULT_TIMEOUT_MS).toBe(60_000);
    expect(runCheck(["h.json"], () => history).code).toBe(1);
    expect(runCheck(["h.json", "--timeout", "0"], () => history).code).toBe(1);
    const steps = runCheck(["h.json", "--max-steps", "10"], () => history);
    expect(steps.stdout).toMatch(/used its budget of 10 steps \(--max-steps\)/);
  });

  it("reports invalid JSON as a JSON problem, by content or by file name", () => {
    const broken = '[{"type": "invoke", "process": 1, "f": "read", "value": null},\n {"type": "ok" "process": 1}]';
    for (const name of ["h.json", "h.txt", "history"]) {
      const out = runCheck([name], () => broken);
      expect(out.code).toBe(2);
      expect(out.stderr).toMatch(new RegExp(`^check: cannot read ${name}: line 2: not valid JSON \\(`));
      expect(out.stderr).not.toMatch(/EDN/);
    }
    // EDN by content stays EDN, and a .json name makes a non-JSON text a JSON problem.
    expect(runCheck(["h.txt"], () => "[{:type :invoke, :process 0 :f}]").stderr).toMatch(/not EDN/);
    expect(runCheck(["h.json"], () => "{:type :invoke, :process 0, :f :read}").stderr).toMatch(/^check: cannot read h\.json: line 1: not valid JSON/);
  });

  it("never echoes binary garbage to the terminal", () => {
    const garbage = String.fromCharCode(...Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256));
    for (const text of [garbage, `[${garbage}`, "\u001b[2J\u001b]0;owned\u0007{:type"]) {
      const out = runCheck(["blob.bin"], () => text);
      expect(out.code).toBe(2);
      expect(out.stderr.trimEnd().split("\n")).toHaveLength(1);
      // Only printable ASCII (and the final newline) reaches the terminal.
      expect(out.stderr).toMatch(/^[\x20-\x7e]*\n$/);
    }
    expect(runCheck(["blob.bin"], () => garbage).stderr).toBe("check: cannot read blob.bin: this is binary data, not a history (expected JSON, EDN or Jepsen log lines)\n");
  });

  it("runs as an npm script", async () => {
    const run = promisify(execFile);
    const result = await run("npm", ["run", "-s", "check", "--", fixturePath("elle", "list-append-anomaly-g0-cycle.json")], { cwd: new URL("../..", import.meta.url).pathname }).catch((e: { code: number; stdout: string }) => e);
    expect((result as { code?: number }).code).toBe(1);
    expect(result.stdout).toMatch(/Anomalies: G0/);
  });
});
