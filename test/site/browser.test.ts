/**
 * The website and the trace viewer in a real browser: Debian's Chromium driven by playwright-core.
 * Builds the site, serves it, follows links from a unit page, opens real failing traces from bug-zoo
 * runs (Unit 1 and Unit 5) and a synthetic 100,000-event trace, and checks what renders. Screenshots
 * go to /tmp/ds-course-site-shots/ for a person to look at.
 *
 * If Chromium is missing or cannot start, these tests fail and say how to install it: a browser test
 * that silently passes without a browser would prove nothing.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSite } from "../../grader/site/build.js";
import { serveSite, type RunningServer } from "../../grader/site/serve.js";
// @ts-ignore: a plain ES module shared with the browser (no type declarations).
import { syntheticTrace } from "../../grader/site/viewer/model.js";
import { REPO, runLab } from "../runner/run-lab.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOTS = "/tmp/ds-course-site-shots";
const UNIT1_TRACE = "01-fallacies/channel-sender-restart-seed1.json";
const RAFT_TRACE = "05-raft/figure8-scripted-seed1.json";

let context: BrowserContext;
let server: RunningServer;
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
  expect(unit1.stdout).toContain(`trace: traces/${UNIT1_TRACE}`);
  expect(unit1.stdout).toContain(`diagram: npm run trace -- traces/${UNIT1_TRACE}`);
  expect(raft.stdout).toContain(`trace: traces/${RAFT_TRACE}`);

  const out = join(temp, "site");
  buildSite({ root: REPO, out });
  const big = syntheticTrace(100_000, 5);
  big.failure = { ...big.failure, ops: [big.events.find((e: { type: string }) => e.type === "op").op.index] };
  writeFileSync(join(temp, "big.json"), JSON.stringify(big));
  server = await serveSite({ out, root: REPO, extra: new Map([["/trace-file/big.json", join(temp, "big.json")]]) });

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
  if (temp) rmSync(temp, { recursive: true, force: true });
});

/** A page that fails the test on any console error or failed request. */
async function openPage(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("response", (r) => {
    // The viewer asks the server for its list of traces; everything else must exist.
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(new URL(path, server.url).href);
  return { page, problems };
}

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
});
