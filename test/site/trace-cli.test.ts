/**
 * `npm run trace`: it checks the trace before serving anything (exit 2 and one message for a missing,
 * unreadable or invalid one), --no-serve and --out, --open, and that it stops serving on SIGTERM and
 * SIGHUP and when the `npm run` wrapper that started it is killed (no orphan server; the same for
 * `npm run site -- --serve`).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { syntheticTrace } from "../../grader/site/viewer/model.js";
import { REPO } from "../runner/run-lab.js";

const TSX_CLI = createRequire(import.meta.url).resolve("tsx/cli");
const temp = mkdtempSync(join(tmpdir(), "ds-course-trace-cli-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const GOOD = join(temp, "good.json");
writeFileSync(GOOD, JSON.stringify(syntheticTrace(200, 3)));

const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ ...process.env, npm_lifecycle_event: "", NO_COLOR: "1", DISPLAY: "", WAYLAND_DISPLAY: "", BROWSER: "", ...extra });

function trace(args: string[], extra: NodeJS.ProcessEnv = {}) {
  const run = spawnSync(process.execPath, [TSX_CLI, "grader/cli/trace.ts", ...args], { cwd: REPO, env: env(extra), encoding: "utf8", timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Starts a serving `npm run trace` (`command`: how) and resolves with the diagram's address. */
function serving(child: ChildProcess): Promise<string> {
  return new Promise((done, fail) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Open the diagram: (\S+)/.exec(out);
      if (match) done(match[1] as string);
    });
    child.on("exit", (code) => fail(new Error(`npm run trace exited (${code}) without serving: ${out}`)));
  });
}

/** Whether anything still answers at `url`. */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return condition();
}

describe("npm run trace checks the trace before serving it", () => {
  const bad: [string, () => string, RegExp][] = [
    ["a missing file", () => join(temp, "missing.json"), /^There is no trace .*missing\.json\. Traces are written by `npm run lab N/],
    ["a folder", () => (mkdirSync(join(temp, "folder.json"), { recursive: true }), join(temp, "folder.json")), /folder\.json is a folder; name a trace file in it/],
    ["a dangling symlink", () => (symlinkSync(join(temp, "gone.json"), join(temp, "dangling.json")), join(temp, "dangling.json")), /dangling\.json is a link to a file that is not there/],
    ["cut-short JSON", () => (writeFileSync(join(temp, "cut.json"), readFileSync(GOOD, "utf8").slice(0, 500)), join(temp, "cut.json")), /cut\.json is not valid JSON \(.*\), so it is not a trace; was it cut short\?/],
    ["binary data", () => (writeFileSync(join(temp, "blob.json"), Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 31) % 256))), join(temp, "blob.json")), /blob\.json is binary data, not a trace/],
    ["JSON that is not a trace", () => (writeFileSync(join(temp, "history.json"), JSON.stringify([{ type: "invoke" }])), join(temp, "history.json")), /history\.json: not a course trace \(format is undefined\)\. Traces are written by/],
    ["a trace of another version", () => (writeFileSync(join(temp, "v9.json"), JSON.stringify({ ...syntheticTrace(10), version: 9 })), join(temp, "v9.json")), /v9\.json: trace version 9 is not supported \(this viewer reads version 1\)/],
  ];
  for (const [what, make, message] of bad) {
    it(`refuses ${what} with one message and exit 2, serving nothing`, () => {
      const out = trace([make()]);
      expect(out.code).toBe(2);
      expect(out.stderr).toMatch(message);
      expect(out.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(out.stderr).toMatch(/^[\x20-\x7e·…→]*\n$/); // nothing raw from the file reaches the terminal
      expect(out.stdout).not.toContain("Open the diagram");
    });
  }

  it("--no-serve checks and says what it would serve; --out writes the viewer and the trace", () => {
    const out = trace([GOOD, "--no-serve"]);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/^Trace: .*good\.json \(synthetic · synthetic-200 · seed 1: 200 events, failed at t=\d+ ms on n2\)\n/);
    expect(out.stdout).toContain("/viewer/?trace=%2Ftrace-file%2Fgood.json");
    const dir = join(temp, "static");
    const written = trace([GOOD, "--no-serve", "--out", dir]);
    expect(written.code).toBe(0);
    for (const f of ["viewer/index.html", "viewer/app.js", "viewer/viewer.css", "trace-file/good.json"]) expect(existsSync(join(dir, f)), f).toBe(true);
    // It never empties a folder that is not its own.
    const busy = join(temp, "busy");
    mkdirSync(busy);
    writeFileSync(join(busy, "notes.txt"), "mine");
    expect(trace([GOOD, "--no-serve", "--out", busy]).stderr).toMatch(/is not empty; name a new folder/);
    expect(readFileSync(join(busy, "notes.txt"), "utf8")).toBe("mine");
    expect(trace([GOOD, "--out", dir]).code).toBe(2);
    expect(trace([GOOD, "--port", "http"]).stderr).toMatch(/--port needs a port number/);
  });
});

describe("npm run trace while serving", () => {
  it("--open starts the browser named by BROWSER, or says how to open the address", async () => {
    const log = join(temp, "browser-log.txt");
    const browser = join(temp, "fake-browser.sh");
    writeFileSync(browser, `#!/bin/sh\necho "$1" > ${JSON.stringify(log)}\n`);
    chmodSync(browser, 0o755);
    for (const [extra, expected] of [
      [{ BROWSER: browser }, /Opening it with .*fake-browser\.sh\./],
      [{}, /No browser to open here \(no display, and BROWSER is not set\): open http:\/\/127\.0\.0\.1:\d+\/viewer\/\S+ in your browser \(on a remote machine: ssh -L (\d+):127\.0\.0\.1:\1 <this host>/],
    ] as const) {
      const child = spawn(process.execPath, [TSX_CLI, "grader/cli/trace.ts", GOOD, "--open"], { cwd: REPO, env: env(extra) });
      let out = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString()));
      try {
        const url = await serving(child);
        expect(await until(async () => expected.test(out), 5000), out).toBe(true);
        if (extra === undefined || !("BROWSER" in extra)) continue;
        expect(await until(async () => existsSync(log), 5000)).toBe(true);
        expect(readFileSync(log, "utf8").trim()).toBe(url);
      } finally {
        child.kill("SIGTERM");
      }
    }
  });

  for (const signal of ["SIGTERM", "SIGHUP"] as const) {
    it(`stops serving and exits 0 on ${signal}`, async () => {
      // Under node with tsx's loader (no tsx process in between), so the signal reaches the command itself.
      const child = spawn(process.execPath, ["--import", "tsx", "grader/cli/trace.ts", GOOD], { cwd: REPO, env: env() });
      let err = "";
      child.stderr.on("data", (c: Buffer) => (err += c.toString()));
      const url = await serving(child);
      expect(await answers(url)).toBe(true);
      const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
      child.kill(signal);
      expect(await exited).toBe(0);
      expect(err).toContain(`Stopped serving (${signal})`);
      expect(await answers(url)).toBe(false);
    });
  }

  it("leaves no orphan server when the npm run wrapper is killed, even with SIGKILL", async () => {
    const npm = spawn("npm", ["run", "-s", "trace", "--", GOOD], { cwd: REPO, env: { ...env(), npm_lifecycle_event: undefined } });
    try {
      const url = await serving(npm);
      expect(await answers(url)).toBe(true);
      npm.kill("SIGKILL"); // npm cannot pass this one on: the server must notice its starter is gone
      expect(await until(async () => !(await answers(url)), 5000), "the server outlived npm").toBe(true);
    } finally {
      npm.kill("SIGKILL");
    }
  });

  it("npm run site -- --serve stops with its npm run wrapper too", async () => {
    const npm = spawn("npm", ["run", "-s", "site", "--", "--serve", "--port", "0", "--out", join(temp, "site-dist")], { cwd: REPO, env: { ...env(), npm_lifecycle_event: undefined } });
    try {
      const url = await new Promise<string>((done, fail) => {
        let out = "";
        npm.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const match = /Serving the course at (\S+)/.exec(out);
          if (match) done(match[1] as string);
        });
        npm.on("exit", (code) => fail(new Error(`npm run site exited (${code}): ${out}`)));
      });
      expect(await answers(url)).toBe(true);
      npm.kill("SIGKILL");
      expect(await until(async () => !(await answers(url)), 5000), "the server outlived npm").toBe(true);
    } finally {
      npm.kill("SIGKILL");
    }
  });
});
