/**
 * The site builder, the viewer's model and the one command from a failure to its diagram, without a
 * browser (test/site/browser.test.ts covers what renders).
 */
import { execFile, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildSite, buildViewer, progressPage, SiteBuildError, VIEWER_CSP } from "../../grader/site/build.js";
import { serveSite } from "../../grader/site/serve.js";
import { formatReport } from "../../grader/runner/report.js";
import type { GradeResult } from "../../grader/runner/grade.js";
import { annotationAt, buildModel, failureTimeOf, type LooseTrace, parseTraceText, syntheticTrace } from "../../grader/site/viewer/model.js";
import { REPO, runLab, runLabWith } from "../runner/run-lab.js";

const temp = mkdtempSync(join(tmpdir(), "ds-course-site-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const UNIT = `# Unit 1: Test

## Learning objectives

1. One.

## Readings

- [A reading](../../readings/a.md)

## Lab 1

The [handout](../../labs/01-test/README.md#parts).

## Discussion questions

1. Why?
`;

/** A tiny course in a temporary folder; `edit` changes files before the build. */
function course(name: string, edit: Record<string, string> = {}): string {
  const root = join(temp, name);
  const files: Record<string, string> = {
    "README.md": "# Home\n\nSee the [syllabus](COURSE.md) and [Unit 1](units/01-test/README.md).\n",
    "COURSE.md": "# Syllabus\n\n### Unit 1: Test\n\n[Unit 1](units/01-test/README.md), [lab](labs/01-test/), [api](grader/sim/api.ts).\n",
    "units/01-test/README.md": UNIT,
    "labs/01-test/README.md": "# Lab 1\n\n## Parts\n\n```ts\nconst x: number = 1; // one\n```\n\nBack to the [unit](../../units/01-test/README.md#learning-objectives).\n",
    "readings/README.md": "# Readings\n\n[a](a.md)\n",
    "readings/a.md": "# A paper\n\nText.\n",
    "grader/sim/api.ts": "export const api = 1;\n",
    ...edit,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

function buildError(root: string): string[] {
  try {
    buildSite({ root, out: join(root, "site-dist") });
  } catch (error) {
    if (error instanceof SiteBuildError) return error.problems;
    throw error;
  }
  return [];
}

describe("npm run site", () => {
  it("builds pages with working relative links, heading anchors, highlighted code and rendered source files", () => {
    const root = course("good");
    const result = buildSite({ root, out: join(root, "site-dist") });
    expect(result.pages).toEqual(expect.arrayContaining(["index.html", "COURSE.html", "units/01-test/index.html", "labs/01-test/index.html", "readings/a.html", "progress.html", "viewer/index.html", "source/grader/sim/api.ts.html"]));
    const unit = readFileSync(join(root, "site-dist/units/01-test/index.html"), "utf8");
    expect(unit).toContain('href="../../labs/01-test/index.html#parts"');
    expect(unit).toContain('href="../../readings/a.html"');
    expect(unit).toContain('<h2 id="learning-objectives">');
    const lab = readFileSync(join(root, "site-dist/labs/01-test/index.html"), "utf8");
    expect(lab).toContain('<span class="hl-k">const</span>');
    expect(lab).not.toMatch(/https?:\/\/(?!www\.w3)/); // nothing fetched from the network
    expect(readFileSync(join(root, "site-dist/COURSE.html"), "utf8")).toContain('href="labs/01-test/index.html"');
  });

  it("fails on a broken internal link, naming the page and the link", () => {
    const root = course("broken-link", { "readings/a.md": "# A paper\n\nSee [missing](missing.md) and [bad anchor](../units/01-test/README.md#no-such-heading).\n" });
    const problems = buildError(root);
    expect(problems.join("\n")).toContain("readings/a.html: broken link missing.md");
    expect(problems.join("\n")).toContain("has no heading #no-such-heading");
  });

  it("fails on a unit page without a required section", () => {
    const root = course("no-questions", { "units/01-test/README.md": UNIT.replace("## Discussion questions", "## Thoughts") });
    expect(buildError(root)).toEqual([expect.stringContaining('units/01-test/README.md has no "## Discussion questions" section')]);
  });

  it("builds the real course", () => {
    const result = buildSite({ root: REPO, out: join(temp, "real") });
    expect(result.pages).toEqual(expect.arrayContaining(["units/01-fallacies/index.html", "labs/01-fallacies/index.html", "progress.html"]));
  });
});

describe("the progress page", () => {
  it("npm run lab saves each run of the learner's own labs/ folder, and the page shows it", async () => {
    // Saved to a folder of the test's own, so that a learner's real progress is never overwritten.
    const progress = join(temp, "saved-progress");
    const run = await runLabWith({ DS_COURSE_PROGRESS_DIR: progress }, "1", "--only", "lamport-rules");
    const score = Number(/Score: (\d+)\/5/.exec(run.stdout)?.[1]);
    const saved = JSON.parse(readFileSync(join(progress, "01-fallacies.json"), "utf8"));
    expect(saved).toMatchObject({ lab: "01-fallacies", implementation: "labs/01-fallacies", score, maxScore: 5, only: ["lamport-rules"] });
    expect(Date.now() - Date.parse(saved.savedAt)).toBeLessThan(60_000);

    const root = course("progress");
    mkdirSync(join(root, ".progress"));
    writeFileSync(join(root, ".progress/01-fallacies.json"), JSON.stringify({ ...saved, only: ["lamport-rules"], score: 2, maxScore: 8, tests: [{ id: "lamport-rules", name: "Lamport", passed: true, points: 2, maxPoints: 2 }] }));
    const page = progressPage(root);
    expect(page).toContain('<tr data-lab="01-fallacies" class="partial">');
    expect(page).toContain("2/8");
    expect(page).toContain("only lamport-rules; practice run");
    expect(page).toContain('<tr data-lab="03-gossip"><td>Lab 3: Gossip, broadcast and CRDTs</td><td colspan="4">not run yet');
  });
});

describe("the viewer's model", () => {
  // Seed 2, not the browser test's seed 1: the two files run in parallel and each writes its trace.
  it("turns a real Unit 1 failure into lanes, arrows, a crash band and the failure", async () => {
    const run = await runLab("1", "--impl", "solutions-private/01-fallacies/bugs/channel-incarnation-not-persisted", "--only", "channel-sender-restart", "--seed", "2", "--trace");
    const written = /trace: (traces\/01-fallacies\/\S*channel-sender-restart-seed2\.json)/.exec(run.stdout);
    expect(written, run.stdout).not.toBeNull();
    const trace = parseTraceText(readFileSync(join(REPO, (written as RegExpExecArray)[1] as string), "utf8"));
    const model = buildModel(trace);
    expect(model.nodes).toEqual(["n1", "n2"]);
    const sends = trace.events.filter((e: { type: string }) => e.type === "send").length;
    expect(model.messages.size).toBe(sends);
    expect(model.arrows.length).toBe(trace.events.filter((e: { type: string }) => e.type === "deliver" || e.type === "drop").length);
    expect(model.bands).toEqual([expect.objectContaining({ node: 0, kind: "down" })]);
    expect(model.msgTypes.sort()).toEqual(["ack", "data"]);
    expect(model.header.failure).toMatchObject({ time: 669, node: "n2" });
    expect(model.annotations).toEqual([]); // no terms in Lab 1's messages
  });

  it("infers Raft terms and roles from the messages", () => {
    const send = (t: number, from: string, type: string, term: number, id: number) => ({ t, type: "send", id, from, to: from === "n1" ? "n2" : "n1", bytes: 1, msg: { type, term } });
    const trace = {
      format: "ds-course-trace", version: 1, lab: "05-raft", test: "t", seed: 1, nodes: ["n1", "n2"],
      events: [send(10, "n1", "vote", 1, 1), { t: 12, type: "deliver", id: 1, from: "n1", to: "n2" }, send(20, "n1", "append", 1, 2), { t: 30, type: "crash", node: "n1" }],
    };
    const model = buildModel(trace);
    expect(annotationAt(model.annotations, "n1", 15)).toMatchObject({ role: "candidate", term: 1 });
    expect(annotationAt(model.annotations, "n1", 25)).toMatchObject({ role: "leader", term: 1 });
    expect(annotationAt(model.annotations, "n2", 25)).toMatchObject({ role: "follower", term: 1 });
    expect(annotationAt(model.annotations, "n1", 31)).toMatchObject({ role: "down" });
  });

  it("pairs client operations and marks the ones a checker reported", () => {
    const trace = syntheticTrace(2000, 3);
    trace.failure.message = "Not linearizable: process c1's write (history entries 3..7) cannot be ordered";
    const model = buildModel(trace);
    expect(model.history.ops.length).toBeGreaterThan(10);
    expect(model.history.ops.filter((o: { reported: boolean }) => o.reported).map((o) => o.invokeIndex)).toEqual([3]);
  });
});

describe("the viewer's TypeScript", () => {
  // The viewer runs in the browser: its own tsconfig adds the DOM library the repo's config leaves out.
  it("type-checks in strict mode with the DOM library, and npm run typecheck includes it", async () => {
    const tsc = join(REPO, "node_modules", ".bin", "tsc");
    const output = await new Promise<string>((done) => execFile(tsc, ["--noEmit", "-p", "grader/site/viewer/tsconfig.json"], { cwd: REPO }, (_error, stdout, stderr) => done(stdout + stderr)));
    expect(output.trim()).toBe("");
    const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.typecheck).toContain("-p grader/site/viewer/tsconfig.json");
  });

  it("is bundled into the one script the viewer page loads, with no generated JavaScript in the repository", () => {
    const viewer = join(REPO, "grader/site/viewer");
    expect(readdirSync(viewer).filter((f) => f.endsWith(".js"))).toEqual([]);
    const out = buildViewer(join(temp, "viewer-bundle"));
    expect(readdirSync(join(out, "viewer")).sort()).toEqual(["app.js", "index.html", "viewer.css"]);
    const bundle = readFileSync(join(out, "viewer", "app.js"), "utf8");
    expect(bundle).not.toMatch(/^\s*import\s/m); // one file: nothing left to fetch
    expect(bundle).toContain("__traceViewer");
  });
});

describe("from a failing npm run lab to the diagram", () => {
  const result: GradeResult = {
    lab: "01-fallacies", title: "T", implementation: "labs/01-fallacies", mode: "practice", score: 0, maxScore: 1, durationMs: 1,
    tests: [{ id: "x", name: "x", part: "A", points: 0, maxPoints: 1, passed: false, seeds: [3], failure: { seed: 3, message: "m", replay: "npm run lab 1 -- --only x --seed 3 --trace --impl some/dir" } }],
  };
  it("prints the one command that opens the diagram of that exact failure", () => {
    const style = { color: false, symbols: false };
    expect(formatReport(result, { unit: 1, parts: { A: "a" } }, style)).toContain("      diagram: npm run trace -- 1 --only x --seed 3 --impl some/dir\n");
    const traced = structuredClone(result);
    (traced.tests[0] as { failure: { trace?: string } }).failure.trace = "traces/01-fallacies/x-seed3.json";
    expect(formatReport(traced, { unit: 1, parts: { A: "a" } }, style)).toContain("      diagram: npm run trace -- traces/01-fallacies/x-seed3.json\n");
  });

  it("npm run trace replays the seed, serves the viewer and prints the address of the diagram", async () => {
    const tsx = createRequire(import.meta.url).resolve("tsx/cli");
    const child = spawn(process.execPath, [tsx, "grader/cli/trace.ts", "1", "--only", "channel-sender-restart", "--seed", "2", "--impl", "solutions-private/01-fallacies/bugs/channel-incarnation-not-persisted"], {
      cwd: REPO,
      env: { ...process.env, npm_lifecycle_event: "", NO_COLOR: "1" },
    });
    try {
      const url = await new Promise<string>((done, fail) => {
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const match = /Open the diagram: (\S+)/.exec(out);
          if (match) done(match[1] as string);
        });
        child.on("exit", (code) => fail(new Error(`npm run trace exited (${code}) without printing an address: ${out}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/viewer\/\?trace=%2Ftraces%2F01-fallacies%2F([\w.-]+%2F)?channel-sender-restart-seed2\.json$/);
      expect(await (await fetch(url)).text()).toContain('<div id="viewer-root"');
      const trace = decodeURIComponent(new URL(url).searchParams.get("trace") as string);
      expect(await (await fetch(new URL(trace, url))).json()).toMatchObject({ test: "channel-sender-restart", failure: { time: 669, node: "n2" } });
    } finally {
      child.kill();
    }
  });
});

describe("markup in a trace is data, never HTML", () => {
  const FIXTURE = join(REPO, "test/fixtures/traces/markup-everywhere.json");
  // The fixture's header fields are known here (the viewer itself trusts none of them).
  const fixture = () => parseTraceText(readFileSync(FIXTURE, "utf8")) as LooseTrace & { nodes: string[]; faults: { description?: string }[]; choices: unknown[] };
  const markup = (value: unknown) => typeof value === "string" && /<(img|\/script|svg|iframe)\b/.test(value);

  it("the viewer's code has no HTML sink: it builds its DOM from elements and text nodes only", () => {
    const sources = readdirSync(join(REPO, "grader/site/viewer")).filter((f) => f.endsWith(".ts"));
    expect(sources.length).toBeGreaterThan(8);
    for (const file of sources.map((f) => `grader/site/viewer/${f}`)) {
      const code = readFileSync(join(REPO, file), "utf8");
      for (const sink of [/\binnerHTML\b/, /\bouterHTML\b/, /\binsertAdjacentHTML\b/, /\bdocument\.write/, /\bcreateContextualFragment\b/, /\bDOMParser\b/, /\bsrcdoc\b/, /\bsetHTML/, /\bparseHTML/, /\beval\s*\(/, /\bnew Function\b/, /\bsetAttribute\(\s*["'](on|style|href|src)/i]) {
        expect(sink.test(code), `${file} uses ${sink}`).toBe(false);
      }
    }
  });

  it("the fixture covers every event kind of the trace format, with markup in every header field", () => {
    const kinds = [...readFileSync(join(REPO, "grader/sim/trace.ts"), "utf8").matchAll(/\|\s*\{\s*t: number; type: "([a-z-]+)"/g)].map((m) => m[1]);
    expect(kinds.length).toBeGreaterThan(20);
    const trace = fixture();
    expect(new Set(trace.events.map((e: { type: string }) => e.type))).toEqual(new Set(kinds));
    for (const value of [trace.lab, trace.test, trace.seed, trace.failure.message, trace.failure.time, trace.failure.node, ...trace.nodes]) expect(markup(value), String(value)).toBe(true);
    expect(trace.faults.some((f: { description?: string }) => markup(f.description))).toBe(true);
    expect(trace.choices.some(markup)).toBe(true);
  });

  it("the model lays out numbers only: a string failure time is no time, and ids with a slash keep their lane", () => {
    const trace = fixture();
    const model = buildModel(trace);
    expect(model.failureTime).toBeUndefined();
    expect(model.end).toBe(30);
    const numbers = [model.end, ...model.times, ...model.arrows.flatMap((a: { t0: number; t1: number }) => [a.t0, a.t1]), ...model.bands.flatMap((b: { t0: number; t1: number }) => [b.t0, b.t1]),
      ...model.partitions.flatMap((p: { t0: number; t1: number }) => [p.t0, p.t1]), ...model.history.ops.flatMap((o: { t0: number; t1?: number }) => [o.t0, o.t1 ?? 0])];
    for (const n of numbers) expect(Number.isFinite(n), String(n)).toBe(true);
    expect(model.nodes).toEqual(trace.nodes); // no lane made up from a piece of an id
    expect(model.bands.map((b: { node: number; kind: string }) => [model.nodes[b.node], b.kind])).toEqual([[trace.nodes[2], "paused"], [trace.nodes[1], "down"], [trace.nodes[2], "down"]]);
    // A time that is a number in a string is still that number; anything else is no time.
    expect(failureTimeOf({ time: "653" })).toBe(653);
    for (const time of ["<b>", "", null, [], {}, Number.NaN, Number.POSITIVE_INFINITY]) expect(failureTimeOf({ time })).toBeUndefined();
    expect(buildModel({ ...trace, failure: { message: "m", time: "12" } }).failureTime).toBe(12);
  });

  it("the viewer page (site and npm run trace) loads one script file and forbids inline script", () => {
    const html = readFileSync(join(buildViewer(join(temp, "viewer-only")), "viewer", "index.html"), "utf8");
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${VIEWER_CSP}">`);
    expect(VIEWER_CSP).toMatch(/script-src 'self';/);
    expect(VIEWER_CSP).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect([...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])).toEqual(['<script type="module" src="app.js">']);
    expect(html.indexOf("Content-Security-Policy")).toBeLessThan(html.indexOf("<script"));
  });

  it("the server sends traces as JSON with nosniff, and from traces/ nothing but JSON", async () => {
    const root = join(temp, "serve-root");
    mkdirSync(join(root, "traces"), { recursive: true });
    writeFileSync(join(root, "traces", "planted.html"), "<script>window.__pwned=1</script>");
    writeFileSync(join(root, "traces", "t.json"), readFileSync(FIXTURE));
    const out = buildViewer(join(temp, "serve-out"));
    const server = await serveSite({ out, root, extra: new Map([["/trace-file/x.json", FIXTURE]]) });
    try {
      for (const path of ["/traces/t.json", "/trace-file/x.json"]) {
        const response = await fetch(new URL(path, server.url));
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
        expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      }
      const planted = await fetch(new URL("/traces/planted.html", server.url));
      expect(planted.status).toBe(404);
      expect(await planted.text()).not.toContain("<script>");
      expect(await (await fetch(new URL("/traces/index.json", server.url))).json()).toEqual(["t.json"]);
    } finally {
      await server.close();
    }
  });

  it("the server answers a folder, a dangling symlink or a vanished file in traces/ with a 404, and keeps serving", async () => {
    const root = join(temp, "serve-odd");
    mkdirSync(join(root, "traces", "lab", "run.json"), { recursive: true }); // a folder named like a trace
    writeFileSync(join(root, "traces", "lab", "t.json"), readFileSync(FIXTURE));
    symlinkSync(join(root, "traces", "nowhere.json"), join(root, "traces", "dangling.json"));
    symlinkSync(join(root, "traces"), join(root, "traces", "lab", "loop")); // a symlink loop
    const gone = join(root, "gone.json");
    writeFileSync(gone, "{}");
    const out = buildViewer(join(temp, "serve-odd-out"));
    const server = await serveSite({ out, root, extra: new Map([["/trace-file/gone.json", gone]]) });
    rmSync(gone);
    try {
      for (const [path, message] of [
        ["/traces/lab/run.json", /^not found: \/traces\/lab\/run\.json \(a folder, not a file\)$/],
        ["/traces/dangling.json", /^not found: \/traces\/dangling\.json$/],
        ["/trace-file/gone.json", /^not found: \/trace-file\/gone\.json \(the trace file .* is gone or is not a file\)$/],
        ["/viewer/nothing.js", /^not found/],
      ] as const) {
        const response = await fetch(new URL(path, server.url));
        expect(response.status, path).toBe(404);
        expect(await response.text(), path).toMatch(message);
      }
      // The list skips what is not a trace file, and the server is still up.
      expect(await (await fetch(new URL("/traces/index.json", server.url))).json()).toEqual(["lab/t.json"]);
      expect((await fetch(new URL("/traces/lab/t.json", server.url))).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("the server refuses requests for any host but localhost (DNS rebinding)", async () => {
    const out = buildViewer(join(temp, "serve-host-out"));
    const server = await serveSite({ out, root: join(temp, "serve-root") });
    const get = (host: string | undefined) =>
      new Promise<{ status: number; body: string }>((done, fail) => {
        const headers: Record<string, string> = host === undefined ? {} : { host };
        const request = httpRequest({ host: "127.0.0.1", port: server.port, path: "/viewer/", headers, setHost: host !== undefined }, (response) => {
          let body = "";
          response.on("data", (c: Buffer) => (body += c.toString()));
          response.on("end", () => done({ status: response.statusCode ?? 0, body }));
        });
        request.on("error", fail);
        request.end();
      });
    try {
      for (const host of ["localhost", `localhost:${server.port}`, `127.0.0.1:${server.port}`, "127.0.0.1", `[::1]:${server.port}`, "LOCALHOST:80"]) {
        expect((await get(host)).status, host).toBe(200);
      }
      for (const host of ["evil.example", `evil.example:${server.port}`, "localhost.evil.example", "127.0.0.1.nip.io", `127.0.0.2:${server.port}`, "localhost:99999"]) {
        const response = await get(host);
        expect(response.status, String(host)).toBe(403);
        expect(response.body).toMatch(/^refused: this server answers only requests for localhost, 127\.0\.0\.1 or \[::1\]/);
      }
      expect((await get(undefined)).status).toBe(400); // no Host at all: Node's HTTP server refuses it first
    } finally {
      await server.close();
    }
  });

  it("the progress page escapes a saved result's strings and takes its numbers as numbers", () => {
    const root = course("progress-markup");
    mkdirSync(join(root, ".progress"));
    const img = `<img src=x onerror="window.__pwned=1">`;
    writeFileSync(join(root, ".progress/01-fallacies.json"), JSON.stringify({
      lab: img, title: img, implementation: img, mode: img, score: img, maxScore: `${img}`, savedAt: img, only: [img], seed: img,
      tests: [{ id: img, name: `</td></tr></table>${img}`, passed: false, points: img, maxPoints: 1 }],
    }));
    const page = progressPage(root);
    expect(page).not.toContain("<img");
    expect(page).not.toContain("</td></tr></table><");
    expect(page).toContain("&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;");
    expect(page).toContain("NaN/NaN");
    expect(page).toContain('style="width:0%"');
  });
});
