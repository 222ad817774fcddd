/**
 * When to draw: input handlers ask for a render, which happens once per animation frame; a handler
 * run through `timed` draws before it returns, so its measured time includes the drawing.
 */
import { drawDiagram } from "./diagram.js";
import { drawHistory } from "./history-view.js";
import { timeAt } from "./layout.js";
import { active, GUTTER, openModel, stats, view } from "./state.js";

let pending = false;

export function render(): void {
  if (pending) return;
  pending = true;
  requestAnimationFrame(flush);
}

/** Draws now if a render is pending. */
export function flush(): void {
  if (!pending || !openModel()) return;
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

/** Runs an input handler and records how long it took (including the render it causes). */
export function timed(fn: () => void): void {
  const started = performance.now();
  fn();
  flush();
  const took = performance.now() - started;
  stats.lastHandlerMs = took;
  if (stats.handlerMs.length < 1000) stats.handlerMs.push(took);
  if (took > stats.maxHandlerMs) stats.maxHandlerMs = took;
}

/** The toolbar's position: the selected event, or the time window. */
function updatePosition(): void {
  const { model, ui } = active();
  const i = view.selected;
  ui.pos.textContent = i < 0 ? `${Math.max(0, timeAt(GUTTER)).toFixed(1)}–${timeAt(view.width).toFixed(1)} ms` : `event ${i + 1} of ${model.events.length} · t=${model.times[i]} ms`;
}
