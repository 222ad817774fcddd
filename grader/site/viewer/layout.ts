/**
 * Where things go: virtual time to pixels and back, the lanes' positions after the node filter,
 * where an event is drawn, which events pass the filters, and a canvas prepared for drawing.
 */
import { active, AXIS_H, GUTTER, NET_H, ROW_H, view } from "./state.js";

export function plotWidth(): number {
  return Math.max(100, view.width - GUTTER - 12);
}

export function xOf(t: number): number {
  return GUTTER + (t - view.t0) / view.msPerPx;
}

export function timeAt(x: number): number {
  return view.t0 + (x - GUTTER) * view.msPerPx;
}

/** Lane positions after the node filter: y of each lane index, or -1 when hidden. Sets view.laneH. */
export function laneYs(): { ys: Float64Array; rows: number } {
  const { model } = active();
  const ys = new Float64Array(model.nodes.length).fill(-1);
  const shown = model.nodes.filter((n) => !view.hiddenNodes.has(n)).length;
  const historyHeight = model.history.processes.length === 0 ? 30 : 40 + Math.min(12, model.history.processes.length) * ROW_H;
  view.laneH = Math.round(Math.max(44, Math.min(110, (window.innerHeight - 300 - historyHeight) / Math.max(1, shown))));
  let row = 0;
  model.nodes.forEach((node, i) => {
    if (view.hiddenNodes.has(node)) return;
    ys[i] = AXIS_H + NET_H + row * view.laneH + view.laneH / 2;
    row++;
  });
  return { ys, rows: row };
}

/** Whether event `i` passes the filters (for stepping and clicking). */
export function eventVisible(i: number): boolean {
  const { model } = active();
  const e = model.events[i];
  if (e === undefined) return false;
  const lane = model.lanes[i] as number;
  if (lane >= 0 && view.hiddenNodes.has(model.nodes[lane] as string)) return false;
  if (e.type === "send" && view.hiddenNodes.has(e.to)) return false;
  if ((e.type === "deliver" || e.type === "drop" || e.type === "duplicate") && view.hiddenNodes.has(e.from)) return false;
  const type = model.eventMsgType[i] as number;
  return !(type >= 0 && view.hiddenTypes.has(type));
}

/** Where event `i` is drawn (for the selection ring and hit testing). */
export function positionOf(i: number, ys: Float64Array): { x: number; y: number } | undefined {
  const { model } = active();
  const lane = model.lanes[i] as number;
  const e = model.events[i];
  const x = xOf(model.times[i] as number);
  if (lane < 0 || (ys[lane] as number) < 0) {
    const type = e?.type;
    return type === "note" ? { x, y: AXIS_H + 5 } : type === "partition" || type === "heal" || type === "block" ? { x, y: AXIS_H + NET_H / 2 } : undefined;
  }
  return { x, y: ys[lane] as number };
}

/** Sizes `canvas` to its container's width and `height` (at the screen's pixel ratio) and clears it. */
export function prepare(canvas: HTMLCanvasElement, height: number): CanvasRenderingContext2D {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.parentElement ? canvas.parentElement.clientWidth : 800;
  view.width = width;
  if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
  }
  const ctx = canvas.getContext("2d") as CanvasRenderingContext2D;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  return ctx;
}
