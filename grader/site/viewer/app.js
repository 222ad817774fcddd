// @ts-check
/**
 * The trace viewer: a space-time diagram of one run (a lane per node, virtual time left to right),
 * with a history view of client operations under it and a details panel beside it. Canvas-drawn,
 * and only what is in view is drawn (binary search on time-sorted arrays, one mark per pixel when
 * zoomed out), so a trace of 100,000 events pans and zooms smoothly.
 *
 * Open a trace with ?trace=<url> (what `npm run trace` prints), the file picker, or drag and drop.
 */
import { annotationAt, buildModel, lowerBound, messageType, nodeGroups, parseTraceText, upperBound } from "./model.js";

const GUTTER = 118;
const AXIS_H = 26;
const NET_H = 18;
/** Lane height: set from the window's height and the number of lanes shown (see laneYs). */
let laneH = 58;
const ROW_H = 18;
const COLORS = {
  deliver: "#2f6fb0",
  duplicate: "#d9822b",
  drop: "#c23030",
  lane: "#9aa5b1",
  text: "#1f2933",
  dim: "#616e7c",
  timer: "#2b8ac6",
  log: "#2e8540",
  call: "#7a4fb5",
  down: "rgba(80, 80, 80, 0.22)",
  paused: "rgba(230, 180, 40, 0.28)",
  failure: "#d0021b",
  select: "#0b5cff",
  leader: "#e0a800",
  candidate: "#9b59b6",
  follower: "#b8c4ce",
};
const GROUP_TINTS = ["rgba(47,111,176,0.07)", "rgba(194,48,48,0.09)", "rgba(46,133,64,0.09)", "rgba(217,130,43,0.1)", "rgba(122,79,181,0.09)"];

/** @type {HTMLElement} */
const root = /** @type {HTMLElement} */ (document.getElementById("viewer-root"));
const stats = { renders: 0, lastRenderMs: 0, maxRenderMs: 0, lastHandlerMs: 0, maxHandlerMs: 0, handlerMs: /** @type {number[]} */ ([]), loadMs: 0, drawn: { arrows: 0, ticks: 0 }, parts: /** @type {Record<string, number>} */ ({}) };
/** @type {any} */
let model;
/** @type {any} */
let ui;
const view = { t0: 0, msPerPx: 1, width: 800, selected: -1, hiddenNodes: new Set(), hiddenTypes: new Set() };

/** Exposed for the browser tests and for poking at a trace from the console. */
// @ts-ignore
window.__traceViewer = { stats, view, get model() { return model; }, select, step, jumpToFailure, fit, zoomAt, panBy, render: () => render(), xOf, laneY: (/** @type {string} */ node) => laneYs().ys[model.laneIndex.get(node)] };

start();

async function start() {
  const params = new URLSearchParams(location.search);
  const url = params.get("trace");
  if (url) {
    root.replaceChildren(h("p", { class: "loading" }, `Loading ${url}…`));
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
      open(await response.text(), url);
    } catch (error) {
      showIntro(`Could not open ${url}: ${error instanceof Error ? error.message : String(error)}`);
    }
  } else showIntro();
}

/**
 * The one way this viewer makes DOM: an element with attributes set by setAttribute and children
 * appended as nodes or text nodes. Nothing a trace holds (its lab, test, failure, node ids, messages,
 * log lines...) is ever parsed as HTML, so markup in a trace shows as the text it is. The viewer has
 * no HTML-parsing DOM call at all (test/site/site.test.ts checks the source).
 * @param {string} tag
 * @param {Record<string, string | number | boolean | undefined>} [attrs] omitted when undefined or false
 * @param {...(Node | string | number | false | null | undefined)} children strings become text nodes; false, null and undefined are skipped
 */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    el.append(typeof child === "object" ? child : String(child));
  }
  return el;
}

/** A legend swatch (its colour set through the CSSOM, so the page needs no inline style). @param {string} color */
function swatch(color) {
  const i = h("i", { class: "sw" });
  i.style.background = color;
  return i;
}

/** @param {string} [problem] */
async function showIntro(problem) {
  const list = h("div", { class: "trace-list" });
  root.replaceChildren(h("div", { class: "intro prose" },
    h("h1", { id: "trace-viewer" }, "Trace viewer"),
    problem ? h("p", { class: "error", role: "alert" }, problem) : undefined,
    h("p", {}, "Open a trace that ", h("code", {}, "npm run lab N -- --only TEST --seed S --trace"), " wrote to ", h("code", {}, "traces/"), ", or run ",
      h("code", {}, "npm run trace -- traces/<lab>/<test>-seed<S>.json"), ", which opens it here."),
    h("p", {}, h("label", { class: "file" }, "Open a trace file… ", h("input", { type: "file", accept: ".json,application/json" })), " or drop one on this page."),
    list));
  wireFileInput();
  // When `npm run site -- --serve` or `npm run trace` serves the site, it lists the traces it can see.
  try {
    const response = await fetch("/traces/index.json");
    if (!response.ok) return;
    /** @type {unknown} */
    const files = await response.json();
    if (!Array.isArray(files) || files.length === 0) return;
    const ul = h("ul");
    list.replaceChildren(h("h2", {}, "Traces on this machine"), ul);
    for (const file of files) {
      const a = h("a", { href: `?trace=${encodeURIComponent(`/traces/${String(file)}`)}` }, String(file));
      ul.append(h("li", {}, a));
    }
  } catch {
    // A static copy of the site (no server): the file picker is the way in.
  }
}

function wireFileInput() {
  for (const input of root.querySelectorAll('input[type="file"]')) {
    input.addEventListener("change", async () => {
      const file = /** @type {HTMLInputElement} */ (input).files?.[0];
      if (file) openFile(file);
    });
  }
  document.body.ondragover = (e) => e.preventDefault();
  document.body.ondrop = (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file) openFile(file);
  };
}

/** @param {File} file */
async function openFile(file) {
  try {
    open(await file.text(), file.name);
  } catch (error) {
    showIntro(`Could not open ${file.name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** @param {string} text @param {string} name */
function open(text, name) {
  const started = performance.now();
  let trace;
  try {
    trace = parseTraceText(text);
  } catch (error) {
    showIntro(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  model = buildModel(trace);
  view.hiddenNodes.clear();
  view.hiddenTypes.clear();
  view.selected = -1;
  buildUi(name);
  fit();
  stats.loadMs = performance.now() - started;
  if (model.header.failure && new URLSearchParams(location.search).get("at") !== "start") jumpToFailure();
}

/** @param {string} name */
function buildUi(name) {
  const h0 = model.header;
  const failure = h0.failure;
  /** @param {string} act @param {string} title @param {string} label @param {string} [cls] */
  const button = (act, title, label, cls) => h("button", { "data-act": act, title, class: cls }, label);
  /** @param {string} color @param {string} label */
  const legend = (color, label) => h("span", {}, swatch(color), label);
  let failureLine;
  if (failure) {
    // Every part of the failure is text: its time and node are whatever the trace says, shown as such.
    const time = model.failureTime !== undefined ? `${model.failureTime} ms` : failure.time !== undefined && failure.time !== null ? String(failure.time) : undefined;
    const node = failure.node !== undefined && failure.node !== null && failure.node !== "" ? String(failure.node) : undefined;
    failureLine = h("p", { class: "vfailure", role: "alert" }, h("strong", {}, "Failure"),
      time !== undefined ? ` at t=${time}` : "", node !== undefined ? ` on ${node}` : "", ": ", h("span", {}, String(failure.message ?? "")));
  } else failureLine = h("p", { class: "vpass" }, "This run passed.");
  const historyCount = h("span", { class: "dim" });
  root.replaceChildren(
    h("header", { class: "vhead" },
      h("div", { class: "vtitle" }, h("h1", { id: "trace-title" }, `${h0.lab} · ${h0.test} · seed ${h0.seed}`),
        h("span", { class: "vsub" }, `${name} · ${model.events.length.toLocaleString("en")} events · ${model.nodes.length} nodes · ${model.end} ms`)),
      failureLine,
      h("div", { class: "vtools" },
        button("fit", "Show the whole run (f)", "Fit"),
        button("zoom-out", "Zoom out (-)", "−"),
        button("zoom-in", "Zoom in (+)", "+"),
        button("prev", "Previous event (←)", "◀ Step"),
        button("next", "Next event (→)", "Step ▶"),
        failure ? button("failure", "Jump to the failure (j)", "Jump to failure", "danger") : undefined,
        h("span", { class: "vpos" }),
        h("label", { class: "file small" }, "Open… ", h("input", { type: "file", accept: ".json,application/json" }))),
      h("div", { class: "vfilters" }, h("div", { class: "fnodes" }, h("b", {}, "Nodes")), h("div", { class: "ftypes" }, h("b", {}, "Messages")))),
    h("div", { class: "vbody" },
      h("div", { class: "vcanvas" },
        h("canvas", { id: "diagram", "aria-label": "space-time diagram" }),
        h("div", { class: "vhist-title" }, "Client operations ", historyCount),
        h("canvas", { id: "history", "aria-label": "history of client operations" })),
      h("aside", { id: "details", class: "vdetails" }, h("p", { class: "dim" }, "Click an event, arrow or band for its details. Drag to pan, scroll to zoom; ← → step through events."))),
    h("footer", { class: "vlegend" },
      legend(COLORS.deliver, "delivered"),
      legend(COLORS.duplicate, "duplicated ◆, delivered again"),
      legend(COLORS.drop, "dropped ✕"),
      legend(COLORS.down, "down (crash → restart)"),
      legend(COLORS.paused, "paused"),
      legend(/** @type {string} */ (GROUP_TINTS[1]), "partitioned"),
      legend(COLORS.timer, "timer set / fired"),
      legend(COLORS.log, "log line"),
      legend(COLORS.call, "grader call"),
      model.annotations.length > 0 ? legend(COLORS.leader, "leader") : undefined,
      model.annotations.length > 0 ? legend(COLORS.candidate, "candidate") : undefined));

  const nodesBox = /** @type {HTMLElement} */ (root.querySelector(".fnodes"));
  for (const node of model.nodes) nodesBox.append(checkbox(node, () => toggle(view.hiddenNodes, node)));
  const typesBox = /** @type {HTMLElement} */ (root.querySelector(".ftypes"));
  model.msgTypes.forEach((/** @type {string} */ type, /** @type {number} */ id) => typesBox.append(checkbox(type, () => toggle(view.hiddenTypes, id))));
  if (model.msgTypes.length === 0) typesBox.append(" (none sent)");

  const diagram = /** @type {HTMLCanvasElement} */ (root.querySelector("#diagram"));
  const history = /** @type {HTMLCanvasElement} */ (root.querySelector("#history"));
  ui = { diagram, history, details: root.querySelector("#details"), pos: root.querySelector(".vpos") };
  const hist = model.history;
  historyCount.textContent =
    hist.ops.length === 0 ? "(this run recorded none)" : `${hist.ops.length} operations by ${hist.processes.length} clients${hist.ops.some((/** @type {any} */ o) => o.reported) ? "; the ones the checker reported are outlined in red" : ""}`;

  for (const button of root.querySelectorAll("button[data-act]")) {
    button.addEventListener("click", () => timed(() => {
      const act = /** @type {HTMLElement} */ (button).dataset.act;
      if (act === "fit") fit();
      else if (act === "zoom-in") zoomAt(view.width / 2, 0.5);
      else if (act === "zoom-out") zoomAt(view.width / 2, 2);
      else if (act === "prev") step(-1);
      else if (act === "next") step(1);
      else if (act === "failure") jumpToFailure();
    }));
  }
  wireFileInput();
  wireCanvas(diagram);
  wireCanvas(history);
  window.onresize = () => render();
  document.onkeydown = (e) => {
    if (e.target instanceof HTMLInputElement) return;
    timed(() => {
      if (e.key === "ArrowRight" || e.key === "n") step(1);
      else if (e.key === "ArrowLeft" || e.key === "p") step(-1);
      else if (e.key === "f") fit();
      else if (e.key === "j") jumpToFailure();
      else if (e.key === "+" || e.key === "=") zoomAt(view.width / 2, 0.5);
      else if (e.key === "-") zoomAt(view.width / 2, 2);
      else return;
      e.preventDefault();
    });
  };
}

/** @param {string} label @param {() => void} onChange */
function checkbox(label, onChange) {
  const wrap = document.createElement("label");
  const input = document.createElement("input");
  input.type = "checkbox";
  input.checked = true;
  input.addEventListener("change", () => timed(onChange));
  wrap.append(input, ` ${label}`);
  return wrap;
}

/** @param {Set<any>} set @param {any} value */
function toggle(set, value) {
  if (set.has(value)) set.delete(value);
  else set.add(value);
  render();
}

/** Runs an input handler and records how long it took (including the render it causes). @param {() => void} fn */
function timed(fn) {
  const started = performance.now();
  fn();
  flush();
  const took = performance.now() - started;
  stats.lastHandlerMs = took;
  if (stats.handlerMs.length < 1000) stats.handlerMs.push(took);
  if (took > stats.maxHandlerMs) stats.maxHandlerMs = took;
}

/** @param {HTMLCanvasElement} canvas */
function wireCanvas(canvas) {
  let drag = /** @type {{x:number, y:number, t0:number, moved:boolean} | undefined} */ (undefined);
  canvas.addEventListener("wheel", (e) => {
    e.preventDefault();
    timed(() => {
      const rect = canvas.getBoundingClientRect();
      if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) panBy((e.deltaX || e.deltaY) * view.msPerPx);
      else zoomAt(e.clientX - rect.left, Math.exp(e.deltaY * 0.002));
    });
  }, { passive: false });
  canvas.addEventListener("mousedown", (e) => {
    drag = { x: e.clientX, y: e.clientY, t0: view.t0, moved: false };
  });
  window.addEventListener("mousemove", (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x;
    if (Math.abs(dx) > 3 || Math.abs(e.clientY - drag.y) > 3) drag.moved = true;
    if (drag.moved) {
      const d = drag;
      timed(() => {
        view.t0 = d.t0 - dx * view.msPerPx;
        render();
      });
    }
  });
  window.addEventListener("mouseup", (e) => {
    if (!drag) return;
    const wasClick = !drag.moved;
    drag = undefined;
    if (wasClick && e.target === canvas) {
      const rect = canvas.getBoundingClientRect();
      timed(() => (canvas.id === "history" ? clickHistory : clickDiagram)(e.clientX - rect.left, e.clientY - rect.top));
    }
  });
}

// ---- the view ---------------------------------------------------------------------------------

function plotWidth() {
  return Math.max(100, view.width - GUTTER - 12);
}

function fit() {
  const span = Math.max(1, model.end);
  view.msPerPx = (span * 1.04) / plotWidth();
  view.t0 = -span * 0.02;
  render();
}

/** Zooms by `factor` (below 1 zooms in) keeping the time under `x` (pixels from the canvas's left) in place. @param {number} x @param {number} factor */
function zoomAt(x, factor) {
  const t = timeAt(Math.max(GUTTER, x));
  view.msPerPx = Math.min(Math.max(view.msPerPx * factor, 0.0005), Math.max(1, model.end) / 50);
  view.t0 = t - (Math.max(GUTTER, x) - GUTTER) * view.msPerPx;
  render();
}

/** @param {number} ms */
function panBy(ms) {
  view.t0 += ms;
  render();
}

/** @param {number} t */
function xOf(t) {
  return GUTTER + (t - view.t0) / view.msPerPx;
}

/** @param {number} x */
function timeAt(x) {
  return view.t0 + (x - GUTTER) * view.msPerPx;
}

/** Lane positions after the node filter: y of each lane index, or -1 when hidden. */
function laneYs() {
  const ys = new Float64Array(model.nodes.length).fill(-1);
  const shown = model.nodes.filter((/** @type {string} */ n) => !view.hiddenNodes.has(n)).length;
  const historyHeight = model.history.processes.length === 0 ? 30 : 40 + Math.min(12, model.history.processes.length) * ROW_H;
  laneH = Math.round(Math.max(44, Math.min(110, (window.innerHeight - 300 - historyHeight) / Math.max(1, shown))));
  let row = 0;
  model.nodes.forEach((/** @type {string} */ node, /** @type {number} */ i) => {
    if (view.hiddenNodes.has(node)) return;
    ys[i] = AXIS_H + NET_H + row * laneH + laneH / 2;
    row++;
  });
  return { ys, rows: row };
}

/** Whether event `i` passes the filters (for stepping and clicking). @param {number} i */
function eventVisible(i) {
  const e = model.events[i];
  const lane = model.lanes[i];
  if (lane >= 0 && view.hiddenNodes.has(model.nodes[lane])) return false;
  if (e.type === "send" && view.hiddenNodes.has(e.to)) return false;
  if ((e.type === "deliver" || e.type === "drop" || e.type === "duplicate") && view.hiddenNodes.has(e.from)) return false;
  const type = model.eventMsgType[i];
  return !(type >= 0 && view.hiddenTypes.has(type));
}

// ---- drawing ----------------------------------------------------------------------------------

let pending = false;
function render() {
  if (pending) return;
  pending = true;
  requestAnimationFrame(flush);
}

/** Draws now if a render is pending (handlers call it so their measured time includes the drawing). */
function flush() {
  if (!pending || !model) return;
  pending = false;
  const started = performance.now();
  drawDiagram();
  const mark = performance.now();
  drawHistory();
  stats.parts.history = performance.now() - mark;
  updatePosition();
  const took = performance.now() - started;
  stats.renders++;
  stats.lastRenderMs = took;
  if (took > stats.maxRenderMs) stats.maxRenderMs = took;
}

/** @param {HTMLCanvasElement} canvas @param {number} height */
function prepare(canvas, height) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.parentElement ? canvas.parentElement.clientWidth : 800;
  view.width = width;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}

function drawDiagram() {
  const { ys, rows } = laneYs();
  const height = AXIS_H + NET_H + Math.max(1, rows) * laneH + 8;
  const ctx = prepare(ui.diagram, height);
  const width = view.width;
  const tStart = timeAt(GUTTER);
  const tEnd = timeAt(width);
  const laneTop = (/** @type {number} */ y) => y - laneH / 2 + 6;

  // Lanes, partitions and bands first, so marks and arrows draw over them.
  ctx.save();
  ctx.beginPath();
  ctx.rect(GUTTER, 0, width - GUTTER, height);
  ctx.clip();
  for (const p of model.partitions) {
    if (p.t1 < tStart || p.t0 > tEnd) continue;
    const x0 = Math.max(GUTTER, xOf(p.t0));
    const x1 = Math.min(width, xOf(p.t1));
    p.groups.forEach((/** @type {string[]} */ group, /** @type {number} */ g) => {
      ctx.fillStyle = GROUP_TINTS[g % GROUP_TINTS.length];
      for (const node of group) {
        const y = ys[model.laneIndex.get(node)];
        if (y === undefined || y < 0) continue;
        ctx.fillRect(x0, laneTop(y) - 6, x1 - x0, laneH);
      }
    });
    ctx.fillStyle = "rgba(194,48,48,0.18)";
    ctx.fillRect(x0, AXIS_H + 2, x1 - x0, NET_H - 4);
    ctx.fillStyle = COLORS.text;
    ctx.font = "11px system-ui, sans-serif";
    const label = `partition ${p.groups.map((/** @type {string[]} */ g) => `{${g.join(",")}}`).join(" | ")}`;
    if (x1 - x0 > 40) ctx.fillText(label, x0 + 4, AXIS_H + NET_H - 5, x1 - x0 - 8);
  }
  for (const b of model.blocks) {
    if (b.t1 < tStart || b.t0 > tEnd) continue;
    const x0 = Math.max(GUTTER, xOf(b.t0));
    ctx.fillStyle = "rgba(194,48,48,0.35)";
    ctx.fillRect(x0, AXIS_H + 5, Math.min(width, xOf(b.t1)) - x0, 3);
  }
  ctx.strokeStyle = COLORS.lane;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const y of ys) {
    if (y < 0) continue;
    ctx.moveTo(GUTTER, y + 0.5);
    ctx.lineTo(width, y + 0.5);
  }
  ctx.stroke();
  for (const band of model.bands) {
    const y = ys[band.node];
    if (y < 0 || band.t1 < tStart || band.t0 > tEnd) continue;
    const x0 = Math.max(GUTTER - 2, xOf(band.t0));
    const x1 = Math.min(width + 2, xOf(band.t1));
    ctx.fillStyle = band.kind === "down" ? COLORS.down : COLORS.paused;
    ctx.fillRect(x0, laneTop(y), Math.max(2, x1 - x0), laneH - 12);
    if (band.kind === "down") {
      ctx.save();
      ctx.beginPath();
      ctx.rect(x0, laneTop(y), Math.max(2, x1 - x0), laneH - 12);
      ctx.clip();
      ctx.strokeStyle = "rgba(60,60,60,0.25)";
      ctx.beginPath();
      for (let x = x0 - laneH; x < x1; x += 8) {
        ctx.moveTo(x, laneTop(y) + laneH - 12);
        ctx.lineTo(x + laneH - 12, laneTop(y));
      }
      ctx.stroke();
      ctx.restore();
    }
    if (x1 - x0 > 50) {
      ctx.fillStyle = COLORS.dim;
      ctx.font = "11px system-ui, sans-serif";
      ctx.fillText(band.kind === "down" ? "down" : "paused", x0 + 4, laneTop(y) + 11);
    }
  }

  // Roles (the lab's annotations), as a strip along the bottom of each lane.
  for (const a of model.annotations) {
    const y = ys[model.laneIndex.get(a.node)];
    if (y === undefined || y < 0) continue;
    // Only the changes in view, and at most one per pixel.
    let lastX = -1;
    const last = upperBound(a.times, tEnd);
    for (let c = Math.max(0, upperBound(a.times, tStart) - 1); c < last; c++) {
      const change = a.changes[c];
      const next = a.changes[c + 1];
      const t1 = next ? next.t : model.end;
      if (change.role === "down") continue;
      const x0 = Math.max(GUTTER, xOf(change.t));
      if (Math.floor(x0) === lastX && xOf(t1) - x0 < 1) continue;
      lastX = Math.floor(x0);
      ctx.fillStyle = COLORS[/** @type {"leader"} */ (change.role)] ?? COLORS.follower;
      ctx.fillRect(x0, y + 17, Math.min(width, xOf(t1)) - x0, change.role === "follower" ? 2 : 4);
      if (change.role === "leader" && xOf(t1) - x0 > 60) {
        ctx.fillStyle = "#8a6d00";
        ctx.font = "10px system-ui, sans-serif";
        ctx.fillText(`leader, term ${change.term}`, x0 + 3, y + 31);
      }
    }
  }

  let mark = performance.now();
  drawTicks(ctx, ys, tStart, tEnd, width);
  stats.parts.ticks = performance.now() - mark;
  mark = performance.now();
  drawArrows(ctx, ys, tStart, tEnd, width);
  stats.parts.arrows = performance.now() - mark;

  // Notes from the grader, on the network row.
  ctx.fillStyle = "#d9822b";
  let lastNoteX = -10;
  for (let k = lowerBound(model.noteTimes, tStart); k < model.notes.length; k++) {
    const i = model.notes[k];
    const t = model.times[i];
    if (t > tEnd) break;
    const x = Math.round(xOf(t));
    if (x - lastNoteX < 3) continue;
    lastNoteX = x;
    ctx.beginPath();
    ctx.moveTo(x - 4, AXIS_H + 2);
    ctx.lineTo(x + 4, AXIS_H + 2);
    ctx.lineTo(x, AXIS_H + 9);
    ctx.fill();
  }

  // The failure the grader reported.
  const failure = model.header.failure;
  if (failure && model.failureTime !== undefined) {
    const x = xOf(model.failureTime);
    ctx.strokeStyle = COLORS.failure;
    ctx.lineWidth = 2;
    ctx.setLineDash([6, 4]);
    ctx.beginPath();
    ctx.moveTo(x, AXIS_H);
    ctx.lineTo(x, height);
    ctx.stroke();
    ctx.setLineDash([]);
    const laneNo = failure.node === undefined ? undefined : model.laneIndex.get(failure.node);
    const y = laneNo === undefined ? -1 : ys[laneNo];
    if (y !== undefined && y >= 0) {
      ctx.beginPath();
      ctx.arc(x, y, 9, 0, Math.PI * 2);
      ctx.stroke();
    }
    ctx.fillStyle = COLORS.failure;
    ctx.font = "bold 11px system-ui, sans-serif";
    const label = `✗ failure t=${model.failureTime}`;
    const labelWidth = ctx.measureText(label).width;
    ctx.fillText(label, x + 5 + labelWidth > width ? x - 5 - labelWidth : x + 5, AXIS_H + NET_H + 10);
    ctx.lineWidth = 1;
  }

  drawSelection(ctx, ys);
  ctx.restore();

  // Gutter: node names with their term and role at the cursor (the selected event, else the view's middle).
  ctx.fillStyle = "#f5f7fa";
  ctx.fillRect(0, 0, GUTTER, height);
  const cursor = view.selected >= 0 ? model.times[view.selected] : timeAt((GUTTER + width) / 2);
  model.nodes.forEach((/** @type {string} */ node, /** @type {number} */ i) => {
    const y = ys[i];
    if (y < 0) return;
    ctx.fillStyle = COLORS.text;
    ctx.font = "bold 13px system-ui, sans-serif";
    ctx.fillText(node, 10, y + 4);
    const a = annotationAt(model.annotations, node, cursor);
    if (a) {
      ctx.font = "11px system-ui, sans-serif";
      ctx.fillStyle = a.role === "leader" ? "#8a6d00" : COLORS.dim;
      ctx.fillText(`${a.role} · term ${a.term}`, 10, y + 18);
    }
  });
  drawAxis(ctx, width, tStart, tEnd);
}

/** @param {CanvasRenderingContext2D} ctx @param {number} width @param {number} tStart @param {number} tEnd */
function drawAxis(ctx, width, tStart, tEnd) {
  ctx.fillStyle = "#fff";
  ctx.fillRect(GUTTER, 0, width - GUTTER, AXIS_H);
  ctx.strokeStyle = COLORS.lane;
  ctx.beginPath();
  ctx.moveTo(GUTTER, AXIS_H - 0.5);
  ctx.lineTo(width, AXIS_H - 0.5);
  const raw = view.msPerPx * 90;
  const pow = Math.pow(10, Math.floor(Math.log10(raw)));
  const stepMs = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  ctx.fillStyle = COLORS.dim;
  ctx.font = "11px system-ui, sans-serif";
  for (let t = Math.ceil(tStart / stepMs) * stepMs; t <= tEnd; t += stepMs) {
    const x = Math.round(xOf(t)) + 0.5;
    ctx.moveTo(x, AXIS_H - 6);
    ctx.lineTo(x, AXIS_H);
    const label = `${Number(t.toFixed(3))} ms`;
    ctx.fillText(label, x + 3, AXIS_H - 9);
  }
  ctx.stroke();
  ctx.fillStyle = COLORS.dim;
  ctx.fillText("virtual time →", 10, AXIS_H - 9);
  ctx.fillText("network", 10, AXIS_H + NET_H - 5);
}

/** @param {CanvasRenderingContext2D} ctx @param {Float64Array} ys @param {number} tStart @param {number} tEnd @param {number} width */
function drawTicks(ctx, ys, tStart, tEnd, width) {
  const from = lowerBound(model.tickTimes, tStart);
  const to = upperBound(model.tickTimes, tEnd);
  // One mark per pixel, lane and kind when zoomed out: 100k events cost what the screen can show.
  const seen = new Uint8Array(Math.ceil(width + 1) * model.nodes.length);
  const paths = { set: new Path2D(), fire: new Path2D(), cancel: new Path2D(), log: new Path2D(), call: new Path2D(), sync: new Path2D() };
  /** @type {[number, number, string][]} */
  const symbols = [];
  let drawn = 0;
  for (let k = from; k < to; k++) {
    const i = model.ticks[k];
    const lane = model.lanes[i];
    const y = ys[lane];
    if (y < 0) continue;
    const e = model.events[i];
    const x = Math.round(xOf(/** @type {number} */ (model.times[i]))) + 0.5;
    const bit = kindBit(e.type);
    const slot = lane * Math.ceil(width + 1) + Math.max(0, Math.min(width, Math.floor(x)));
    if (/** @type {number} */ (seen[slot]) & bit) continue;
    seen[slot] |= bit;
    drawn++;
    switch (e.type) {
      case "timer-set": paths.set.moveTo(x, y - 10); paths.set.lineTo(x, y - 3); break;
      case "timer-fire": paths.fire.moveTo(x, y - 16); paths.fire.lineTo(x, y); paths.fire.moveTo(x - 3, y - 16); paths.fire.lineTo(x + 3, y - 16); break;
      case "timer-cancel": paths.cancel.moveTo(x, y - 8); paths.cancel.lineTo(x, y - 3); break;
      case "log": paths.log.moveTo(x, y + 3); paths.log.lineTo(x, y + 14); break;
      case "call": paths.call.moveTo(x, y + 3); paths.call.lineTo(x - 3, y + 10); paths.call.lineTo(x + 3, y + 10); paths.call.closePath(); break;
      case "sync": case "clock": paths.sync.moveTo(x, y + 3); paths.sync.lineTo(x, y + 7); break;
      default: symbols.push([x, y, e.type]);
    }
  }
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = COLORS.timer;
  ctx.stroke(paths.set);
  ctx.stroke(paths.fire);
  ctx.strokeStyle = "#9aa5b1";
  ctx.stroke(paths.cancel);
  ctx.stroke(paths.sync);
  ctx.strokeStyle = COLORS.log;
  ctx.stroke(paths.log);
  ctx.fillStyle = COLORS.call;
  ctx.fill(paths.call);
  ctx.lineWidth = 2;
  for (const [x, y, type] of symbols) {
    if (type === "crash") {
      ctx.strokeStyle = COLORS.drop;
      ctx.beginPath();
      ctx.moveTo(x - 6, y - 6); ctx.lineTo(x + 6, y + 6); ctx.moveTo(x + 6, y - 6); ctx.lineTo(x - 6, y + 6);
      ctx.stroke();
    } else if (type === "start" || type === "restart") {
      ctx.fillStyle = COLORS.log;
      ctx.beginPath();
      ctx.arc(x, y, type === "restart" ? 5 : 3.5, 0, Math.PI * 2);
      ctx.fill();
    } else if (type === "duplicate") {
      // Where the network copied a message: the copy arrives as an orange arrow.
      ctx.fillStyle = COLORS.duplicate;
      ctx.beginPath();
      ctx.moveTo(x, y - 7); ctx.lineTo(x + 5, y); ctx.lineTo(x, y + 7); ctx.lineTo(x - 5, y);
      ctx.fill();
    } else if (type === "pause" || type === "resume") {
      ctx.strokeStyle = "#b7791f";
      ctx.beginPath();
      ctx.moveTo(x, y - 9); ctx.lineTo(x, y + 9);
      ctx.stroke();
    }
  }
  ctx.lineWidth = 1;
  stats.drawn.ticks = drawn;
}

/** @param {string} type */
function kindBit(type) {
  switch (type) {
    case "timer-set": return 1;
    case "timer-fire": return 2;
    case "timer-cancel": return 4;
    case "log": return 8;
    case "call": return 16;
    case "sync": case "clock": return 32;
    default: return 64;
  }
}

/** @param {CanvasRenderingContext2D} ctx @param {Float64Array} ys @param {number} tStart @param {number} tEnd @param {number} width */
function drawArrows(ctx, ys, tStart, tEnd, width) {
  const from = lowerBound(model.arrowT0, tStart - model.maxArrow);
  const to = upperBound(model.arrowT0, tEnd);
  const lanes = model.nodes.length;
  const seen = new Int16Array((Math.ceil(width) + 1) * lanes * lanes * 3);
  // Segments per kind (x0, y0, x1, y1, self), collected first and drawn in short paths: one huge
  // path is much slower to build in Chromium than several small ones.
  /** @type {number[][]} */
  const segments = [[], [], []];
  for (let k = from; k < to; k++) {
    const a = model.arrows[k];
    if (a.t1 < tStart) continue;
    const y0 = ys[a.from];
    const y1 = ys[a.to];
    if (y0 < 0 || y1 < 0 || view.hiddenTypes.has(a.type)) continue;
    const x0 = xOf(a.t0);
    const x1 = xOf(a.t1);
    // Skip an arrow that would cover the same pixels as one already drawn (same start pixel,
    // lanes, kind and length): when zoomed out, thousands of arrows collapse into what is visible.
    const slot = ((Math.max(0, Math.min(width, Math.round(x0))) * lanes + a.from) * lanes + a.to) * 3 + a.kind;
    const length = Math.min(32000, Math.round(x1 - x0)) + 1;
    if (seen[slot] === length) continue;
    seen[slot] = length;
    /** @type {number[]} */ (segments[a.kind]).push(x0, y0, x1, y1);
  }
  const colors = [COLORS.deliver, COLORS.duplicate, COLORS.drop];
  const CHUNK = 400;
  let drawn = 0;
  for (let kind = 0; kind < 3; kind++) {
    const list = /** @type {number[]} */ (segments[kind]);
    const count = list.length / 4;
    drawn += count;
    ctx.strokeStyle = /** @type {string} */ (colors[kind]);
    ctx.fillStyle = /** @type {string} */ (colors[kind]);
    // Heads only when arrows are few enough to tell apart.
    const heads = count < 3000;
    for (let start = 0; start < count; start += CHUNK) {
      const stop = Math.min(count, start + CHUNK);
      ctx.lineWidth = 1;
      if (kind === 2) ctx.setLineDash([4, 3]);
      ctx.beginPath();
      for (let s = start; s < stop; s++) {
        const x0 = /** @type {number} */ (list[s * 4]);
        const y0 = /** @type {number} */ (list[s * 4 + 1]);
        const x1 = /** @type {number} */ (list[s * 4 + 2]);
        const y1 = /** @type {number} */ (list[s * 4 + 3]);
        ctx.moveTo(x0, y0);
        if (y0 === y1) ctx.bezierCurveTo(x0, y0 - 22, x1, y1 - 22, x1, y1);
        else ctx.lineTo(x1, y1);
      }
      ctx.stroke();
      ctx.setLineDash([]);
      if (!heads) continue;
      ctx.beginPath();
      for (let s = start; s < stop; s++) {
        const x0 = /** @type {number} */ (list[s * 4]);
        const y0 = /** @type {number} */ (list[s * 4 + 1]);
        const x1 = /** @type {number} */ (list[s * 4 + 2]);
        const y1 = /** @type {number} */ (list[s * 4 + 3]);
        if (kind === 2) {
          // A drop: a cross where the message died.
          ctx.moveTo(x1 - 4, y1 - 4); ctx.lineTo(x1 + 4, y1 + 4); ctx.moveTo(x1 + 4, y1 - 4); ctx.lineTo(x1 - 4, y1 + 4);
        } else if (Math.abs(x1 - x0) + Math.abs(y1 - y0) > 14) {
          const angle = y0 === y1 ? Math.PI / 2 : Math.atan2(y1 - y0, x1 - x0);
          ctx.moveTo(x1, y1);
          ctx.lineTo(x1 - 7 * Math.cos(angle - 0.4), y1 - 7 * Math.sin(angle - 0.4));
          ctx.lineTo(x1 - 7 * Math.cos(angle + 0.4), y1 - 7 * Math.sin(angle + 0.4));
          ctx.closePath();
        }
      }
      if (kind === 2) {
        ctx.lineWidth = 2;
        ctx.stroke();
      } else ctx.fill();
    }
  }
  ctx.lineWidth = 1;
  stats.drawn.arrows = drawn;
}

/** Where event `i` is drawn (for the selection ring and hit testing). @param {number} i @param {Float64Array} ys */
function positionOf(i, ys) {
  const lane = model.lanes[i];
  const e = model.events[i];
  const x = xOf(model.times[i]);
  if (lane < 0 || ys[lane] < 0) {
    return e.type === "note" ? { x, y: AXIS_H + 5 } : e.type === "partition" || e.type === "heal" || e.type === "block" ? { x, y: AXIS_H + NET_H / 2 } : undefined;
  }
  return { x, y: /** @type {number} */ (ys[lane]) };
}

/** @param {CanvasRenderingContext2D} ctx @param {Float64Array} ys */
function drawSelection(ctx, ys) {
  const i = view.selected;
  if (i < 0) return;
  const e = model.events[i];
  ctx.strokeStyle = COLORS.select;
  ctx.lineWidth = 3;
  const m = e.id !== undefined ? model.messages.get(e.id) : undefined;
  if (m) {
    const y0 = ys[model.laneIndex.get(m.from)];
    for (const j of [...m.deliveries, ...m.drops]) {
      const y1 = ys[model.lanes[j]];
      if (y0 < 0 || y1 < 0) continue;
      ctx.beginPath();
      ctx.moveTo(xOf(m.t), y0);
      ctx.lineTo(xOf(model.times[j]), y1);
      ctx.stroke();
    }
  }
  const p = positionOf(i, ys);
  if (p) {
    ctx.beginPath();
    ctx.arc(p.x, p.y, 7, 0, Math.PI * 2);
    ctx.stroke();
  }
  ctx.lineWidth = 1;
}

function drawHistory() {
  const hist = model.history;
  const rows = hist.processes.length;
  const height = rows === 0 ? 8 : 8 + rows * ROW_H + 4;
  const ctx = prepare(ui.history, height);
  const width = view.width;
  if (rows === 0) return;
  const tStart = timeAt(GUTTER);
  const tEnd = timeAt(width);
  ctx.fillStyle = "#f5f7fa";
  ctx.fillRect(0, 0, GUTTER, height);
  ctx.font = "11px system-ui, sans-serif";
  hist.processes.forEach((/** @type {string} */ p, /** @type {number} */ r) => {
    ctx.fillStyle = COLORS.text;
    ctx.fillText(p, 10, 8 + r * ROW_H + 12);
  });
  ctx.save();
  ctx.beginPath();
  ctx.rect(GUTTER, 0, width - GUTTER, height);
  ctx.clip();
  // Operations are short next to a run; search from a little before the window by invocation time.
  const from = Math.max(0, lowerBound(hist.opT0, tStart) - 64);
  const seen = new Set();
  const fills = { ok: "#7fb887", fail: "#b8c4ce", info: "#f0b862", pending: "#f0b862" };
  for (let k = from; k < hist.ops.length; k++) {
    const op = hist.ops[k];
    if (op.t0 > tEnd) break;
    const t1 = op.t1 ?? model.end;
    if (t1 < tStart) continue;
    const x0 = xOf(op.t0);
    const x1 = Math.max(x0 + 2, xOf(t1));
    const y = 8 + op.process * ROW_H + 2;
    const key = Math.round(x0) * 4096 + op.process;
    if (seen.has(key) && !op.reported) continue;
    seen.add(key);
    ctx.fillStyle = fills[/** @type {"ok"} */ (op.type)] ?? fills.pending;
    ctx.fillRect(x0, y, x1 - x0, ROW_H - 5);
    if (op.reported || view.selected === op.eventIndex) {
      ctx.strokeStyle = op.reported ? COLORS.failure : COLORS.select;
      ctx.lineWidth = 2;
      ctx.strokeRect(x0, y, x1 - x0, ROW_H - 5);
      ctx.lineWidth = 1;
    }
    if (x1 - x0 > 50) {
      ctx.fillStyle = COLORS.text;
      ctx.fillText(`${op.f} ${short(op.value)}${op.t1 === undefined ? " …" : ` → ${op.type}`}`, x0 + 3, y + 10, x1 - x0 - 6);
    }
  }
  ctx.restore();
}

function updatePosition() {
  const i = view.selected;
  ui.pos.textContent = i < 0 ? `${Math.max(0, timeAt(GUTTER)).toFixed(1)}–${timeAt(view.width).toFixed(1)} ms` : `event ${i + 1} of ${model.events.length} · t=${model.times[i]} ms`;
}

// ---- selection and details --------------------------------------------------------------------

/** @param {number} x @param {number} y */
function clickDiagram(x, y) {
  if (x < GUTTER) return;
  const { ys } = laneYs();
  const t = timeAt(x);
  const slack = 8 * view.msPerPx;
  let best = -1;
  let bestD = 9;
  const from = lowerBound(model.times, t - slack);
  const to = upperBound(model.times, t + slack);
  for (let i = from; i < to && i < from + 20000; i++) {
    if (!eventVisible(i)) continue;
    const p = positionOf(i, ys);
    if (!p) continue;
    const d = Math.hypot(p.x - x, p.y - y);
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  if (best < 0) {
    // Nothing under the pointer: try the arrows that cross it, then bands.
    const af = lowerBound(model.arrowT0, t - model.maxArrow);
    const at = upperBound(model.arrowT0, t);
    for (let k = af; k < at; k++) {
      const a = model.arrows[k];
      if (a.t1 < t || view.hiddenTypes.has(a.type) || ys[a.from] < 0 || ys[a.to] < 0) continue;
      const d = distanceToSegment(x, y, xOf(a.t0), ys[a.from], xOf(a.t1), ys[a.to]);
      if (d < bestD) {
        bestD = d;
        best = a.index;
      }
    }
  }
  if (best < 0) {
    for (const band of model.bands) {
      const yb = ys[band.node];
      if (yb >= 0 && Math.abs(y - yb) < laneH / 2 && t >= band.t0 && t <= band.t1) best = band.index;
    }
  }
  if (best >= 0) select(best);
}

/** @param {number} x @param {number} y */
function clickHistory(x, y) {
  const t = timeAt(x);
  const row = Math.floor((y - 8) / ROW_H);
  const op = model.history.ops.find((/** @type {any} */ o) => o.process === row && o.t0 <= t + 2 * view.msPerPx && (o.t1 ?? model.end) >= t - 2 * view.msPerPx);
  if (op) select(op.eventIndex);
}

/** @param {number} px @param {number} py @param {number} x0 @param {number} y0 @param {number} x1 @param {number} y1 */
function distanceToSegment(px, py, x0, y0, x1, y1) {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len = dx * dx + dy * dy;
  const u = len === 0 ? 0 : Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / len));
  return Math.hypot(px - (x0 + u * dx), py - (y0 + u * dy));
}

/** Selects event `i`, scrolls it into view and shows its details. @param {number} i */
function select(i) {
  if (!model || i < 0 || i >= model.events.length) return;
  view.selected = i;
  const t = model.times[i];
  const x = xOf(t);
  if (x < GUTTER + 20 || x > view.width - 20) view.t0 = t - (plotWidth() / 2) * view.msPerPx;
  showDetails(i);
  render();
}

/** Moves the selection to the next (1) or previous (-1) event that passes the filters. @param {number} direction */
function step(direction) {
  let i = view.selected;
  if (i < 0) i = direction > 0 ? lowerBound(model.times, timeAt(GUTTER)) - 1 : upperBound(model.times, timeAt(view.width));
  for (i += direction; i >= 0 && i < model.events.length; i += direction) {
    if (eventVisible(i)) {
      select(i);
      return;
    }
  }
}

/** Centres the view on the failure the grader reported and selects the event that tripped it. */
function jumpToFailure() {
  const failure = model.header.failure;
  if (!failure) return;
  const t = model.failureTime ?? model.end;
  const window = Math.max(20, Math.min(model.end * 0.25, 400));
  view.msPerPx = window / plotWidth();
  view.t0 = t - window * 0.7;
  // The event at the failure: the last one at or before its time on its node.
  let found = -1;
  for (let i = upperBound(model.times, t) - 1; i >= 0; i--) {
    const lane = model.lanes[i];
    if (failure.node === undefined || (lane >= 0 && model.nodes[lane] === failure.node)) {
      found = i;
      break;
    }
  }
  if (found >= 0) {
    view.selected = found;
    showDetails(found, true);
  }
  render();
}

/** @param {number} i @param {boolean} [atFailure] */
function showDetails(i, atFailure = false) {
  const e = model.events[i];
  const panel = /** @type {HTMLElement} */ (ui.details);
  panel.replaceChildren();
  const add = (/** @type {string} */ tag, /** @type {string} */ text, /** @type {string} */ cls = "") => {
    const el = document.createElement(tag);
    el.textContent = text;
    if (cls) el.className = cls;
    panel.append(el);
    return el;
  };
  if (atFailure) add("p", `The failure: ${model.header.failure.message}`, "vfail-note");
  add("h2", `${describe(e)}`);
  const t = /** @type {number} */ (model.times[i]);
  add("p", `event ${i + 1} of ${model.events.length} · t=${t} ms`, "dim");

  const m = e.id !== undefined ? model.messages.get(e.id) : undefined;
  if (m) {
    add("h3", `Message #${m.id}: ${m.from} → ${m.to} (${messageType(m.msg)})`);
    add("pre", JSON.stringify(m.msg, null, 2), "json");
    const fate = [`sent t=${m.t} ms`];
    for (const j of m.deliveries) fate.push(`delivered t=${model.times[j]} ms`);
    for (const j of m.drops) fate.push(`dropped t=${model.times[j]} ms (${model.events[j].reason})`);
    for (const j of m.duplicates) fate.push(`duplicated by the network t=${model.times[j]} ms`);
    if (m.deliveries.length === 0 && m.drops.length === 0) fate.push("still in flight when the run ended");
    add("p", fate.join(" · "));
  } else if (e.type === "op" && e.op !== null && typeof e.op === "object") {
    const op = model.history.ops.find((/** @type {any} */ o) => o.eventIndex === i || (o.process === model.history.processes.indexOf(e.op.process) && o.endIndex === e.op.index));
    add("h3", `Client ${e.op.process}: ${e.op.f}`);
    if (op) add("p", `invoked t=${op.t0} ms with ${short(op.value)}; ${op.t1 === undefined ? "never completed" : `${op.type} at t=${op.t1} ms with ${short(op.result)}`}${op.reported ? " · reported by the checker" : ""}`);
  }
  add("h3", "Event");
  add("pre", JSON.stringify(e, null, 2), "json");

  const lane = model.lanes[i];
  if (lane >= 0) {
    const node = model.nodes[lane];
    const logs = model.logsByLane[lane] ?? [];
    add("h3", `${node}'s log lines around this event`);
    if (logs.length === 0) add("p", `${node} wrote no ctx.log lines in this run; add some and replay the seed: the run is the same, with your lines.`, "dim");
    else {
      const at = upperBound(logs, i);
      const list = add("ol", "", "logs");
      for (let k = Math.max(0, at - 5); k < Math.min(logs.length, at + 5); k++) {
        const j = logs[k];
        const li = document.createElement("li");
        li.textContent = `t=${model.times[j]}  ${model.events[j].text}`;
        if (k === at - 1) li.className = "here";
        li.onclick = () => timed(() => select(j));
        list.append(li);
      }
    }
  }
  const notes = model.notes.filter((/** @type {number} */ j) => Math.abs(model.times[j] - t) <= Math.max(50, 60 * view.msPerPx));
  const failure = model.header.failure;
  add("h3", "The grader's notes");
  if (failure && !atFailure && (model.failureTime === undefined || Math.abs(model.failureTime - t) <= Math.max(50, 60 * view.msPerPx))) add("p", `Failure: ${failure.message}`, "vfail-note");
  if (notes.length === 0) add("p", "none near this time", "dim");
  else {
    const list = add("ul", "");
    for (const j of notes.slice(0, 12)) {
      const li = document.createElement("li");
      li.textContent = `t=${model.times[j]}  ${model.events[j].text}`;
      list.append(li);
    }
  }
  if (model.annotations.length > 0) {
    add("h3", `Terms and roles at t=${t} ms`);
    add("p", "Inferred from the messages: a node sending vote requests is a candidate, one sending appends leads its term.", "dim");
    const table = add("table", "", "roles");
    for (const a of model.annotations) {
      const now = annotationAt(model.annotations, a.node, t);
      const tr = document.createElement("tr");
      for (const text of [a.node, now?.role ?? "?", `term ${now?.term ?? "?"}`]) {
        const td = document.createElement("td");
        td.textContent = text;
        tr.append(td);
      }
      table.append(tr);
    }
  }
}

/** A one-line description of an event. @param {any} e */
function describe(e) {
  switch (e.type) {
    case "send": return `${e.from} sends #${e.id} to ${e.to}: ${messageType(e.msg)}`;
    case "deliver": return `${e.to} receives #${e.id} from ${e.from}`;
    case "drop": return `#${e.id} from ${e.from} to ${e.to} dropped (${e.reason})`;
    case "duplicate": return `the network duplicates #${e.id} (${e.from} → ${e.to})`;
    case "timer-set": return `${e.node} sets timer ${e.timer} for ${e.delay} ms (${short(e.payload)})`;
    case "timer-fire": return `${e.node}'s timer ${e.timer} fires`;
    case "timer-cancel": return `${e.node} cancels timer ${e.timer}`;
    case "crash": return `${e.node} crashes`;
    case "restart": return `${e.node} restarts (incarnation ${e.incarnation})`;
    case "start": return `${e.node} starts (incarnation ${e.incarnation})`;
    case "pause": return `${e.node} is paused`;
    case "resume": return `${e.node} resumes`;
    case "partition": return `partition ${nodeGroups(e.groups).map((g) => `{${g.join(", ")}}`).join(" | ")}`;
    case "block": return `the network blocks ${e.from} → ${e.to}`;
    case "heal": return "the network heals";
    case "log": return `${e.node} logs: ${e.text}`;
    case "call": return `the grader calls ${e.node}: ${e.label}`;
    case "note": return `note: ${e.text}`;
    case "sync": return `${e.node} syncs ${e.keys} key(s) to durable storage`;
    case "clock": return `${e.node}'s clock: offset ${e.offsetMs} ms, drift ${e.drift}`;
    case "network": return "network conditions change";
    case "op": return `client ${e.op?.process}: ${e.op?.type} ${e.op?.f}`;
    default: return e.type;
  }
}

/** @param {unknown} value */
function short(value) {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}
