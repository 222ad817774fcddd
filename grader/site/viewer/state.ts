/**
 * What every part of the viewer shares: the layout constants and colours, the view (time window,
 * zoom, selection, filters), render statistics for the browser tests, and the open trace's model
 * with the page elements it is drawn into.
 */
import type { Model } from "./model.js";

export const GUTTER = 118;
export const AXIS_H = 26;
export const NET_H = 18;
export const ROW_H = 18;

export const COLORS = {
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
} as const;
export const GROUP_TINTS = ["rgba(47,111,176,0.07)", "rgba(194,48,48,0.09)", "rgba(46,133,64,0.09)", "rgba(217,130,43,0.1)", "rgba(122,79,181,0.09)"] as const;

/** How fast the viewer draws and reacts (the browser tests read it through window.__traceViewer). */
export const stats = {
  renders: 0,
  lastRenderMs: 0,
  maxRenderMs: 0,
  lastHandlerMs: 0,
  maxHandlerMs: 0,
  handlerMs: [] as number[],
  loadMs: 0,
  drawn: { arrows: 0, ticks: 0 },
  parts: {} as Record<string, number>,
};

/** The time window (t0 at the gutter's edge, ms per pixel), the selected event and the filters. */
export const view = {
  t0: 0,
  msPerPx: 1,
  width: 800,
  selected: -1,
  hiddenNodes: new Set<string>(),
  hiddenTypes: new Set<number>(),
  /** Lane height: set from the window's height and the number of lanes shown (see laneYs). */
  laneH: 58,
};

/** The page elements a trace is drawn into. */
export interface Ui {
  diagram: HTMLCanvasElement;
  history: HTMLCanvasElement;
  details: HTMLElement;
  pos: HTMLElement;
}

let session: { model: Model; ui: Ui } | undefined;

/** The open trace's model, if a trace is open. */
export function openModel(): Model | undefined {
  return session?.model;
}

/** The open trace and its page elements (only called once a trace is open). */
export function active(): { model: Model; ui: Ui } {
  if (session === undefined) throw new Error("no trace is open");
  return session;
}

export function setSession(model: Model, ui: Ui): void {
  session = { model, ui };
}

/** The element the viewer draws itself into (viewer/index.html). */
export function viewerRoot(): HTMLElement {
  return document.getElementById("viewer-root") as HTMLElement;
}
