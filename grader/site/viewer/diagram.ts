/**
 * The space-time diagram: a lane per node, virtual time left to right, fault bands, partitions,
 * the lab's roles, the grader's notes, the failure, the selection, the gutter and the time axis; the
 * lanes' marks (ticks.ts) and the message arrows (arrows.ts) are drawn over them. Only what is in
 * view is drawn (binary search on time-sorted arrays, one mark per pixel when zoomed out), so a
 * trace of 100,000 events pans and zooms smoothly. Canvas text is drawn with fillText: a trace's
 * strings never become markup here either.
 */
import { drawArrows } from "./arrows.js";
import { laneYs, positionOf, prepare, timeAt, xOf } from "./layout.js";
import { annotationAt, type LooseEvent, lowerBound, type RoleChange, upperBound } from "./model.js";
import { drawTicks } from "./ticks.js";
import { active, AXIS_H, COLORS, GROUP_TINTS, GUTTER, NET_H, stats, view } from "./state.js";

/** A role's colour on its lane's strip. */
function roleColor(role: string): string {
  return role === "leader" ? COLORS.leader : role === "candidate" ? COLORS.candidate : COLORS.follower;
}

/** The space-time diagram: lanes, partitions, bands, roles, ticks, arrows, notes, the failure, the selection, the gutter and the axis. */
export function drawDiagram(): void {
  const { model, ui } = active();
  const { ys, rows } = laneYs();
  const laneH = view.laneH;
  const height = AXIS_H + NET_H + Math.max(1, rows) * laneH + 8;
  const ctx = prepare(ui.diagram, height);
  const width = view.width;
  const tStart = timeAt(GUTTER);
  const tEnd = timeAt(width);
  const laneTop = (y: number): number => y - laneH / 2 + 6;

  // Lanes, partitions and bands first, so marks and arrows draw over them.
  ctx.save();
  ctx.beginPath();
  ctx.rect(GUTTER, 0, width - GUTTER, height);
  ctx.clip();
  for (const p of model.partitions) {
    if (p.t1 < tStart || p.t0 > tEnd) continue;
    const x0 = Math.max(GUTTER, xOf(p.t0));
    const x1 = Math.min(width, xOf(p.t1));
    p.groups.forEach((group, g) => {
      ctx.fillStyle = GROUP_TINTS[g % GROUP_TINTS.length] as string;
      for (const node of group) {
        const y = ys[model.laneIndex.get(node) ?? -1];
        if (y === undefined || y < 0) continue;
        ctx.fillRect(x0, laneTop(y) - 6, x1 - x0, laneH);
      }
    });
    ctx.fillStyle = "rgba(194,48,48,0.18)";
    ctx.fillRect(x0, AXIS_H + 2, x1 - x0, NET_H - 4);
    ctx.fillStyle = COLORS.text;
    ctx.font = "11px system-ui, sans-serif";
    const label = `partition ${p.groups.map((g) => `{${g.join(",")}}`).join(" | ")}`;
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
    const y = ys[band.node] as number;
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
    const y = ys[model.laneIndex.get(a.node) ?? -1];
    if (y === undefined || y < 0) continue;
    // Only the changes in view, and at most one per pixel.
    let lastX = -1;
    const last = upperBound(a.times, tEnd);
    for (let c = Math.max(0, upperBound(a.times, tStart) - 1); c < last; c++) {
      const change = a.changes[c] as RoleChange;
      const next = a.changes[c + 1];
      const t1 = next ? next.t : model.end;
      if (change.role === "down") continue;
      const x0 = Math.max(GUTTER, xOf(change.t));
      if (Math.floor(x0) === lastX && xOf(t1) - x0 < 1) continue;
      lastX = Math.floor(x0);
      ctx.fillStyle = roleColor(change.role);
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
    const i = model.notes[k] as number;
    const t = model.times[i] as number;
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
    const laneNo = failure.node === undefined ? undefined : model.laneIndex.get(failure.node as string);
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
  const cursor = view.selected >= 0 ? (model.times[view.selected] as number) : timeAt((GUTTER + width) / 2);
  model.nodes.forEach((node, i) => {
    const y = ys[i] as number;
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

function drawAxis(ctx: CanvasRenderingContext2D, width: number, tStart: number, tEnd: number): void {
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

/** The selected event: a ring, and its message's arrows drawn thick. */
function drawSelection(ctx: CanvasRenderingContext2D, ys: Float64Array): void {
  const { model } = active();
  const i = view.selected;
  if (i < 0) return;
  const e = model.events[i] as LooseEvent;
  ctx.strokeStyle = COLORS.select;
  ctx.lineWidth = 3;
  const m = e.id !== undefined ? model.messages.get(e.id) : undefined;
  if (m) {
    const y0 = ys[model.laneIndex.get(m.from) ?? -1] ?? -1;
    for (const j of [...m.deliveries, ...m.drops]) {
      const y1 = ys[model.lanes[j] as number] ?? -1;
      if (y0 < 0 || y1 < 0) continue;
      ctx.beginPath();
      ctx.moveTo(xOf(m.t), y0);
      ctx.lineTo(xOf(model.times[j] as number), y1);
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
