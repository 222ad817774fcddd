/**
 * The website and the trace viewer in a real browser: Debian's Chromium driven by playwright-core.
 * Builds the site, serves it, follows links from a unit page, opens real failing traces from bug-zoo
 * runs (Unit 1 and Unit 5), a synthetic 100,000-event trace and a trace with planted markup in every
 * field (test/fixtures/traces/markup-everywhere.json), and checks what renders. Screenshots
 * go to /tmp/ds-course-site-shots/ for a person to look at.
 *
 * If Chromium is missing or cannot start, these tests fail and say how to install it: a browser test
 * that silently passes without a browser would prove nothing.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSite, buildViewer } from "../../grader/site/build.js";
import { serveSite, type RunningServer } from "../../grader/site/serve.js";
import { syntheticTrace } from "../../grader/site/viewer/model.js";
import { REPO, runLab } from "../runner/run-lab.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOTS = "/tmp/ds-course-site-shots";
/** Where `npm run lab --trace` wrote each trace, under traces/ (read from its output: the folder names the implementation). */
let UNIT1_TRACE: string;
let RAFT_TRACE: string;
/** A trace with markup in every string field: each payload sets window.__pwned or opens a dialog if it is ever parsed as HTML. */
const MARKUP_TRACE = join(REPO, "test/fixtures/traces/markup-everywhere.json");
const PLANTED = `<img src=x onerror="window.__pwned=90">`;

let context: BrowserContext;
let server: RunningServer;
/** Only the viewer, built and served as `npm run trace` does (grader/cli/trace.ts). */
let traceServer: RunningServer;
let temp: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: the browser tests need it. Install it with \`apt-get update && apt-get install -y chromium\` (.ci/run does this), or set CHROMIUM_PATH.`);
  }
  temp = mkdtempSync(join(tmpdir(), "ds-course-site-test-"));
  mkdirSync(SHOTS, { recursive: true });
  const [unit1, raft] = await Promise.all([
    runLab("1", "--impl", "solutions-private/01-fallacies/bugs/channel-incarnation-not-persisted", "--only", "channel-sender-restart", "--seed", "1", "--trace"),
    runLab("5", "--impl", "solutions-private/05-raft/bugs/commit-previous-term", "--only", "figure8-scripted", "--seed", "1", "--trace"),
  ]);
  const written = (stdout: string, name: string): string => {
    const match = new RegExp(`trace: traces/(\\S*${name})`).exec(stdout);
    expect(match, stdout).not.toBeNull();
    return (match as RegExpExecArray)[1] as string;
  };
  UNIT1_TRACE = written(unit1.stdout, "channel-sender-restart-seed1\\.json");
  RAFT_TRACE = written(raft.stdout, "figure8-scripted-seed1\\.json");
  expect(UNIT1_TRACE).toMatch(/^01-fallacies\//);
  expect(unit1.stdout).toContain(`diagram: npm run trace -- traces/${UNIT1_TRACE}`);

  const out = join(temp, "site");
  buildSite({ root: REPO, out });
  const big = syntheticTrace(100_000, 5);
  big.failure = { ...big.failure, ops: [big.events.find((e) => e.type === "op")?.op.index] };
  writeFileSync(join(temp, "big.json"), JSON.stringify(big));
  writeFileSync(join(temp, "not-a-trace.json"), JSON.stringify({ format: PLANTED, events: [] }));
  server = await serveSite({
    out,
    root: REPO,
    extra: new Map([
      ["/trace-file/big.json", join(temp, "big.json")],
      ["/trace-file/markup-everywhere.json", MARKUP_TRACE],
      ["/trace-file/not-a-trace.json", join(temp, "not-a-trace.json")],
    ]),
  });
  const viewerOnly = buildViewer(join(temp, "viewer-only"));
  traceServer = await serveSite({ out: viewerOnly, root: REPO, extra: new Map([["/trace-file/markup-everywhere.json", MARKUP_TRACE]]) });

  try {
    context = await chromium.launchPersistentContext(join(temp, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
      viewport: { width: 1500, height: 900 },
      timeout: 20_000,
    });
  } catch (error) {
    throw new Error(`Chromium (${CHROMIUM}) did not start, so the browser tests cannot run: ${(error as Error).message.split("\n")[0]}`);
  }
}, 60_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  await traceServer?.close();
  if (temp) rmSync(temp, { recursive: true, force: true });
});

/**
 * A page that fails the test on any console error or failed request. It also records every dialog
 * (dismissed) and every Content-Security-Policy violation as a problem: planted script that tried to run.
 */
async function openPage(path: string, base: RunningServer = server): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.type()} ${d.message()}`);
    void d.dismiss();
  });
  await page.addInitScript(() => {
    const g = globalThis as any;
    g.document.addEventListener("securitypolicyviolation", (e: any) => {
      (g.__cspViolations ??= []).push(`${e.violatedDirective}: ${e.blockedURI} ${e.sample}`);
    });
  });
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("response", (r) => {
    // The viewer asks the server for its list of traces; everything else must exist.
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(new URL(path, base.url).href);
  return { page, problems };
}

/** No planted script ran: only the viewer's own module script, and nothing else parsed from a trace. */
const CLEAN = { pwned: null, parsed: 0, scripts: 1, csp: [] };

/**
 * What planted markup would leave behind if the page ever parsed it: a set window.__pwned, elements
 * the viewer never makes (img, svg, iframe, inline scripts, event-handler attributes), CSP violations.
 */
const plantedTraces = (page: Page) =>
  page.evaluate(() => {
    const g = globalThis as any;
    const doc = g.document;
    const handlers = [...doc.querySelectorAll("*")].filter((el: any) => [...el.attributes].some((a: any) => /^on/i.test(a.name))).length;
    return {
      pwned: g.__pwned ?? null,
      parsed: doc.querySelectorAll("img, svg, iframe, object, embed, script:not([src])").length + handlers,
      scripts: doc.querySelectorAll("script").length,
      csp: (g.__cspViolations ?? []) as string[],
    };
  });

const viewerState = (page: Page) =>
  page.evaluate(() => {
    const v = (globalThis as any).__traceViewer; // set by the viewer
    return {
      nodes: v.model.nodes as string[],
      arrows: v.model.arrows.length as number,
      drawnArrows: v.stats.drawn.arrows as number,
      drawnTicks: v.stats.drawn.ticks as number,
      selected: v.view.selected as number,
      bands: v.model.bands.length as number,
      partitions: v.model.partitions.length as number,
      annotations: v.model.annotations.length as number,
      ops: v.model.history.ops.length as number,
      loadMs: v.stats.loadMs as number,
      maxRenderMs: v.stats.maxRenderMs as number,
      maxHandlerMs: v.stats.maxHandlerMs as number,
      handlerMs: v.stats.handlerMs as number[],
    };
  });

/** How many pixels of the diagram are (close to) `rgb`: proof that something of that colour was drawn. */
const pixelsOf = (page: Page, rgb: [number, number, number]) =>
  page.evaluate((c) => {
    // Runs in the page (the repo's tsconfig has no DOM types, hence the untyped globals).
    const canvas = (globalThis as any).document.querySelector("#diagram");
    const data: Uint8ClampedArray = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs((data[i] as number) - c[0]) < 12 && Math.abs((data[i + 1] as number) - c[1]) < 12 && Math.abs((data[i + 2] as number) - c[2]) < 12) n++;
    }
    return n;
  }, rgb);

describe("the course website in Chromium", () => {
  it("opens a unit page and follows its links to the lab handout, a reading and the viewer", async () => {
    const { page, problems } = await openPage("units/01-fallacies/");
    expect(await page.title()).toContain("Unit 1");
    expect(await page.locator("h2#learning-objectives").count()).toBe(1);
    await page.screenshot({ path: join(SHOTS, "unit1.png") });

    await page.locator("main a", { hasText: /handout/i }).first().click();
    await page.waitForLoadState();
    expect(page.url()).toMatch(/labs\/01-fallacies\/index\.html$/);
    expect(await page.locator("main h1").first().textContent()).toMatch(/Lab 1/);
    // A code block, highlighted.
    expect(await page.locator("pre code .hl-k, pre code .hl-c, pre code .hl-s").count()).toBeGreaterThan(0);

    await page.locator(".sidebar a", { hasText: "All readings" }).click();
    await page.waitForLoadState();
    await page.locator("main a[href$='lamport-1978-time-clocks.html']").first().click();
    await page.waitForLoadState();
    expect(await page.locator("main h1").first().textContent()).toMatch(/Lamport|Time, clocks/i);

    await page.locator(".sidebar a", { hasText: "Progress" }).click();
    await page.waitForLoadState();
    expect(await page.locator("table.progress tbody tr").count()).toBeGreaterThanOrEqual(5);
    await page.screenshot({ path: join(SHOTS, "progress.png") });

    await page.locator(".sidebar a", { hasText: "Trace viewer" }).click();
    await page.waitForLoadState();
    await page.locator(".trace-list a").first().waitFor();
    await page.screenshot({ path: join(SHOTS, "viewer-intro.png") });
    expect(await page.locator(".trace-list a", { hasText: UNIT1_TRACE }).count()).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("draws a failing Unit 1 trace: lanes, arrows, the crash band, the failure and the event panel", async () => {
    const { page, problems } = await openPage(`viewer/?trace=${encodeURIComponent(`/traces/${UNIT1_TRACE}`)}`);
    await page.locator("#diagram").waitFor();
    await page.waitForFunction(() => (globalThis as any).__traceViewer.stats.renders > 0);
    const state = await viewerState(page);
    expect(state.nodes).toEqual(["n1", "n2"]);
    expect(state.arrows).toBeGreaterThan(50);
    expect(state.drawnArrows).toBeGreaterThan(0);
    expect(state.bands).toBe(1); // n1 down from its crash to its restart
    // Opened at the failure: the event that tripped it is selected and described.
    expect(state.selected).toBeGreaterThanOrEqual(0);
    const details = page.locator("#details");
    await expect.poll(() => details.textContent()).toContain("n2 receives #103 from n1");
    expect(await details.textContent()).toContain("The failure: n2 delivered message 25 from n1");
    expect(await details.textContent()).toContain('"seq": 24');
    expect(await page.locator(".vfailure").textContent()).toContain("t=653 ms on n2");
    expect(await pixelsOf(page, [208, 2, 27])).toBeGreaterThan(50); // the failure marker
    expect(await pixelsOf(page, [47, 111, 176])).toBeGreaterThan(50); // delivered arrows
    await page.screenshot({ path: join(SHOTS, "unit1-failure.png") });

    // Step back and forward.
    await page.locator("button[data-act=prev]").click();
    const back = (await viewerState(page)).selected;
    expect(back).toBeLessThan(state.selected);
    await page.locator("button[data-act=next]").click();
    expect((await viewerState(page)).selected).toBe(state.selected);

    // Whole run, then click on the crash band's lane inside the band: the crash's details.
    await page.locator("button[data-act=fit]").click();
    const band = await page.evaluate(() => {
      const v = (globalThis as any).__traceViewer;
      const b = v.model.bands[0];
      return { x: v.xOf((b.t0 + b.t1) / 2), y: v.laneY("n1") + 12 };
    });
    await page.locator("#diagram").click({ position: band });
    await expect.poll(() => details.textContent()).toContain("n1 crashes");
    await page.screenshot({ path: join(SHOTS, "unit1-crash.png") });

    // Filter out a message type: its arrows go.
    const before = (await viewerState(page)).drawnArrows;
    await page.locator(".ftypes label", { hasText: "ack" }).locator("input").uncheck();
    expect((await viewerState(page)).drawnArrows).toBeLessThan(before);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("draws a failing Raft trace with partitions, drops and each node's term and role", async () => {
    const { page, problems } = await openPage(`viewer/?trace=${encodeURIComponent(`/traces/${RAFT_TRACE}`)}`);
    await page.waitForFunction(() => (globalThis as any).__traceViewer.stats.renders > 0);
    const state = await viewerState(page);
    expect(state.nodes).toHaveLength(5);
    expect(state.partitions).toBeGreaterThan(0);
    expect(state.annotations).toBe(5);
    expect(await page.locator("#details").textContent()).toContain("Terms and roles");
    expect(await pixelsOf(page, [194, 48, 48])).toBeGreaterThan(20); // drops
    await page.screenshot({ path: join(SHOTS, "raft-failure.png") });
    await page.locator("button[data-act=fit]").click();
    await page.screenshot({ path: join(SHOTS, "raft-whole-run.png") });
    expect(problems).toEqual([]);
    await page.close();
  });

  it("stays responsive on a 100,000-event trace", async () => {
    const { page, problems } = await openPage(`viewer/?trace=${encodeURIComponent("/trace-file/big.json")}&at=start`);
    await page.waitForFunction(() => (globalThis as any).__traceViewer.stats.renders > 0, undefined, { timeout: 20_000 });
    const loaded = await viewerState(page);
    expect(loaded.ops).toBeGreaterThan(1000);
    const canvas = page.locator("#diagram");
    const box = (await canvas.boundingBox()) as { x: number; y: number; width: number; height: number };
    await page.mouse.move(box.x + box.width / 2, box.y + 100);
    // Zoom in, pan, zoom out again, step: each handler (including its redraw) must be quick.
    for (let i = 0; i < 8; i++) await page.mouse.wheel(0, -240);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 300, box.y + 100, { steps: 8 });
    await page.mouse.up();
    for (let i = 0; i < 8; i++) await page.mouse.wheel(0, 240);
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("j");
    const started = Date.now();
    await page.evaluate(() => 1);
    const roundTrip = Date.now() - started;
    const after = await viewerState(page);
    await page.screenshot({ path: join(SHOTS, "big-trace.png") });
    const handlers = [...after.handlerMs].sort((a, b) => a - b);
    const median = handlers[Math.floor(handlers.length / 2)] as number;
    console.log(`100k events: load ${after.loadMs.toFixed(0)} ms, ${handlers.length} input handlers (each with its redraw): median ${median.toFixed(1)} ms, slowest ${after.maxHandlerMs.toFixed(1)} ms; round trip ${roundTrip} ms`);
    // The history view: the operation the checker reported is outlined, and its details say so.
    await page.evaluate(() => {
      const v = (globalThis as any).__traceViewer;
      v.zoomAt(600, 0.02);
      v.select(v.model.history.ops.find((o: { reported: boolean }) => o.reported).eventIndex);
    });
    await expect.poll(() => page.locator("#details").textContent()).toContain("reported by the checker");
    await page.screenshot({ path: join(SHOTS, "big-trace-reported-op.png") });
    expect(after.loadMs).toBeLessThan(5000);
    // Smooth: the typical zoom or pan redraws within a frame or two; none freezes the page (this
    // machine is shared, so the bound on the slowest one is loose).
    expect(handlers.length).toBeGreaterThan(10);
    expect(median).toBeLessThan(50);
    expect(after.maxHandlerMs).toBeLessThan(1000);
    expect(roundTrip).toBeLessThan(500);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows a trace with markup in every field as text, and runs none of it (as npm run trace serves it, and in the site)", async () => {
    const fixture = JSON.parse(readFileSync(MARKUP_TRACE, "utf8"));
    const n1: string = fixture.nodes[0];
    for (const [label, base] of [["npm run trace", traceServer], ["site", server]] as const) {
      const { page, problems } = await openPage(`viewer/?trace=${encodeURIComponent("/trace-file/markup-everywhere.json")}`, base);
      await page.waitForFunction(() => (globalThis as any).__traceViewer.stats.renders > 0);
      expect(await plantedTraces(page), "planted markup reached the DOM").toEqual(CLEAN);
      // The header: the failure's string time and its node, shown as the text they are.
      const failureLine = page.locator(".vfailure");
      expect(await failureLine.isVisible()).toBe(true);
      expect(await failureLine.textContent()).toBe(`Failure at t=${fixture.failure.time} on ${n1}: ${fixture.failure.message}`);
      expect(await page.locator("#trace-title").textContent()).toBe(`${fixture.lab} · ${fixture.test} · seed ${fixture.seed}`);
      expect(await page.locator(".fnodes label").allTextContents()).toEqual(fixture.nodes.map((n: string) => ` ${n}`));
      expect((await page.locator(".ftypes label").allTextContents()).join("\n")).toContain(fixture.events.find((e: { id?: number }) => e.id === 2).msg.type);
      // Opened at the failure (no numeric time: the end of the run), on the failure's node.
      const state = await viewerState(page);
      expect(state.nodes).toEqual(fixture.nodes);
      expect(state.bands).toBe(3); // n2 down, n3 paused, n3 down to the end (its id holds a slash)
      expect(await page.locator("#details").textContent()).toContain(`The failure: ${fixture.failure.message}`);

      // Every event's details (each event kind, every field), then the viewer's controls.
      const details: string[] = await page.evaluate(() => {
        const v = (globalThis as any).__traceViewer;
        const texts: string[] = [];
        for (let i = 0; i < v.model.events.length; i++) {
          v.select(i);
          texts.push((globalThis as any).document.querySelector("#details").textContent);
        }
        return texts;
      });
      const all = details.join("\n");
      for (const e of fixture.events as Record<string, unknown>[]) {
        for (const field of ["text", "label", "reason", "node", "from", "to"]) {
          if (typeof e[field] === "string") expect(all).toContain(e[field]);
        }
      }
      // Message contents, as JSON text.
      expect(all).toContain(`"type": ${JSON.stringify(fixture.events.find((e: { id?: number }) => e.id === 2).msg.type)}`);
      for (const act of ["fit", "next", "prev", "failure", "zoom-in", "zoom-out"]) await page.locator(`button[data-act=${act}]`).click();
      await page.locator(".fnodes label").first().locator("input").uncheck();
      await page.locator(".ftypes label").first().locator("input").uncheck();
      const canvas = (await page.locator("#diagram").boundingBox()) as { x: number; y: number; width: number; height: number };
      await page.mouse.click(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2);
      await page.keyboard.press("j");
      // Markup in the details panel is visible as text.
      await page.evaluate(() => (globalThis as any).__traceViewer.select((globalThis as any).__traceViewer.model.events.findIndex((e: any) => e.type === "log")));
      const log = page.locator("#details h2");
      expect(await log.isVisible()).toBe(true);
      expect(await log.textContent()).toBe(`${n1} logs: ${fixture.events.find((e: { type: string }) => e.type === "log").text}`);
      await page.screenshot({ path: join(SHOTS, `markup-everywhere-${label.replace(/ /g, "-")}.png`) });

      expect(await plantedTraces(page), "planted markup reached the DOM").toEqual(CLEAN);
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  it("shows markup in a trace address and in a file that is not a trace as text", async () => {
    const notTrace = await openPage(`viewer/?trace=${encodeURIComponent("/trace-file/not-a-trace.json")}`);
    const error = notTrace.page.locator(".intro .error");
    await error.waitFor();
    expect(await error.textContent()).toBe(`/trace-file/not-a-trace.json: not a course trace (format is ${PLANTED})`);
    expect(await plantedTraces(notTrace.page)).toEqual(CLEAN);
    expect(notTrace.problems).toEqual([]);
    await notTrace.page.close();

    const address = `/trace-file/${PLANTED}`;
    const missing = await openPage(`viewer/?trace=${encodeURIComponent(address)}`);
    await missing.page.locator(".intro .error").waitFor();
    expect(await missing.page.locator(".intro .error").textContent()).toBe(`Could not open ${address}: 404 Not Found`);
    expect(await plantedTraces(missing.page)).toEqual(CLEAN);
    // The one failed request is the missing trace itself.
    expect(missing.problems.filter((p) => !p.includes("404"))).toEqual([]);
    expect(missing.problems.length).toBeLessThanOrEqual(2);
    await missing.page.close();
  });
});
