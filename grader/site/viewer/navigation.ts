/** Moving around a trace: fit, zoom, pan, step through events, and select what a click hits. */
import { showDetails } from "./details.js";
import { eventVisible, laneYs, plotWidth, positionOf, timeAt, xOf } from "./layout.js";
import { type Arrow, lowerBound, upperBound } from "./model.js";
import { render, timed } from "./render.js";
import { active, GUTTER, openModel, ROW_H, view } from "./state.js";

/** Shows the whole run. */
export function fit(): void {
  const { model } = active();
  const span = Math.max(1, model.end);
  view.msPerPx = (span * 1.04) / plotWidth();
  view.t0 = -span * 0.02;
  render();
}

/** Zooms by `factor` (below 1 zooms in) keeping the time under `x` (pixels from the canvas's left) in place. */
export function zoomAt(x: number, factor: number): void {
  const { model } = active();
  const t = timeAt(Math.max(GUTTER, x));
  view.msPerPx = Math.min(Math.max(view.msPerPx * factor, 0.0005), Math.max(1, model.end) / 50);
  view.t0 = t - (Math.max(GUTTER, x) - GUTTER) * view.msPerPx;
  render();
}

export function panBy(ms: number): void {
  view.t0 += ms;
  render();
}

/** Selects what is under a click on the diagram: an event, else an arrow, else a band. */
export function clickDiagram(x: number, y: number): void {
  const { model } = active();
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
      const a = model.arrows[k] as Arrow;
      const y0 = ys[a.from] as number;
      const y1 = ys[a.to] as number;
      if (a.t1 < t || view.hiddenTypes.has(a.type) || y0 < 0 || y1 < 0) continue;
      const d = distanceToSegment(x, y, xOf(a.t0), y0, xOf(a.t1), y1);
      if (d < bestD) {
        bestD = d;
        best = a.index;
      }
    }
  }
  if (best < 0) {
    for (const band of model.bands) {
      const yb = ys[band.node] as number;
      if (yb >= 0 && Math.abs(y - yb) < view.laneH / 2 && t >= band.t0 && t <= band.t1) best = band.index;
    }
  }
  if (best >= 0) select(best);
}

/** Selects the client operation under a click on the history view. */
export function clickHistory(x: number, y: number): void {
  const { model } = active();
  const t = timeAt(x);
  const row = Math.floor((y - 8) / ROW_H);
  const op = model.history.ops.find((o) => o.process === row && o.t0 <= t + 2 * view.msPerPx && (o.t1 ?? model.end) >= t - 2 * view.msPerPx);
  if (op) select(op.eventIndex);
}

function distanceToSegment(px: number, py: number, x0: number, y0: number, x1: number, y1: number): number {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len = dx * dx + dy * dy;
  const u = len === 0 ? 0 : Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / len));
  return Math.hypot(px - (x0 + u * dx), py - (y0 + u * dy));
}

/** Selects event `i`, scrolls it into view and shows its details. */
export function select(i: number): void {
  const model = openModel();
  if (!model || i < 0 || i >= model.events.length) return;
  view.selected = i;
  const t = model.times[i] as number;
  const x = xOf(t);
  if (x < GUTTER + 20 || x > view.width - 20) view.t0 = t - (plotWidth() / 2) * view.msPerPx;
  showDetails(i, selectTimed);
  render();
}

/** Moves the selection to the next (1) or previous (-1) event that passes the filters. */
export function step(direction: number): void {
  const { model } = active();
  let i = view.selected;
  if (i < 0) i = direction > 0 ? lowerBound(model.times, timeAt(GUTTER)) - 1 : upperBound(model.times, timeAt(view.width));
  for (i += direction; i >= 0 && i < model.events.length; i += direction) {
    if (eventVisible(i)) {
      select(i);
      return;
    }
  }
}

/** Selecting from inside the details panel (a log line): timed like any input. */
export function selectTimed(i: number): void {
  timed(() => select(i));
}
