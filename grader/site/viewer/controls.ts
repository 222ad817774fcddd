/** The page for an open trace: header, toolbar, filters, canvases, details panel and legend, and their inputs. */
import { checkbox, h, swatch } from "./dom.js";
import { failureLine, jumpToFailure } from "./failure.js";
import { type Opener, wireFileInput } from "./intro.js";
import type { Model } from "./model.js";
import { clickDiagram, clickHistory, fit, panBy, step, zoomAt } from "./navigation.js";
import { render, timed } from "./render.js";
import { COLORS, GROUP_TINTS, setSession, view, viewerRoot } from "./state.js";

/**
 * Lays out the page for a trace just opened (the title, the failure line, the toolbar, the node and
 * message filters, the two canvases, the details panel and the legend), makes it the open session,
 * and wires the inputs.
 */
export function buildUi(model: Model, name: string, onOpen: Opener): void {
  const root = viewerRoot();
  const h0 = model.header;
  const failure = h0.failure;
  const button = (act: string, title: string, label: string, cls?: string): HTMLElement => h("button", { "data-act": act, title, class: cls }, label);
  const legend = (color: string, label: string): HTMLElement => h("span", {}, swatch(color), label);
  const historyCount = h("span", { class: "dim" });
  root.replaceChildren(
    h("header", { class: "vhead" },
      h("div", { class: "vtitle" }, h("h1", { id: "trace-title" }, `${h0.lab} · ${h0.test} · seed ${h0.seed}`),
        h("span", { class: "vsub" }, `${name} · ${model.events.length.toLocaleString("en")} events · ${model.nodes.length} nodes · ${model.end} ms`)),
      failureLine(model),
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
      legend(GROUP_TINTS[1], "partitioned"),
      legend(COLORS.timer, "timer set / fired"),
      legend(COLORS.log, "log line"),
      legend(COLORS.call, "grader call"),
      model.annotations.length > 0 ? legend(COLORS.leader, "leader") : undefined,
      model.annotations.length > 0 ? legend(COLORS.candidate, "candidate") : undefined));

  const nodesBox = root.querySelector(".fnodes") as HTMLElement;
  for (const node of model.nodes) nodesBox.append(checkbox(node, () => timed(() => toggle(view.hiddenNodes, node))));
  const typesBox = root.querySelector(".ftypes") as HTMLElement;
  model.msgTypes.forEach((type, id) => typesBox.append(checkbox(type, () => timed(() => toggle(view.hiddenTypes, id)))));
  if (model.msgTypes.length === 0) typesBox.append(" (none sent)");

  const diagram = root.querySelector("#diagram") as HTMLCanvasElement;
  const history = root.querySelector("#history") as HTMLCanvasElement;
  setSession(model, { diagram, history, details: root.querySelector("#details") as HTMLElement, pos: root.querySelector(".vpos") as HTMLElement });
  const hist = model.history;
  historyCount.textContent =
    hist.ops.length === 0 ? "(this run recorded none)" : `${hist.ops.length} operations by ${hist.processes.length} clients${hist.ops.some((o) => o.reported) ? "; the ones the checker reported are outlined in red" : ""}`;

  for (const button of root.querySelectorAll<HTMLElement>("button[data-act]")) {
    button.addEventListener("click", () => timed(() => {
      const act = button.dataset.act;
      if (act === "fit") fit();
      else if (act === "zoom-in") zoomAt(view.width / 2, 0.5);
      else if (act === "zoom-out") zoomAt(view.width / 2, 2);
      else if (act === "prev") step(-1);
      else if (act === "next") step(1);
      else if (act === "failure") jumpToFailure();
    }));
  }
  wireFileInput(onOpen);
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

function toggle<T>(set: Set<T>, value: T): void {
  if (set.has(value)) set.delete(value);
  else set.add(value);
  render();
}

/** Wheel zooms (shift or sideways: pans), drag pans, click selects. */
function wireCanvas(canvas: HTMLCanvasElement): void {
  let drag: { x: number; y: number; t0: number; moved: boolean } | undefined;
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
