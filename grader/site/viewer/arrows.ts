/**
 * Messages as arrows from send to delivery (blue), second delivery of a duplicate (orange) or drop
 * (red, dashed, with a cross): only those crossing the view, and one per pixel, lanes, kind and length.
 */
import { xOf } from "./layout.js";
import { type Arrow, lowerBound, upperBound } from "./model.js";
import { active, COLORS, stats, view } from "./state.js";

export function drawArrows(ctx: CanvasRenderingContext2D, ys: Float64Array, tStart: number, tEnd: number, width: number): void {
  const { model } = active();
  const from = lowerBound(model.arrowT0, tStart - model.maxArrow);
  const to = upperBound(model.arrowT0, tEnd);
  const lanes = model.nodes.length;
  const seen = new Int16Array((Math.ceil(width) + 1) * lanes * lanes * 3);
  // Segments per kind (x0, y0, x1, y1, self), collected first and drawn in short paths: one huge
  // path is much slower to build in Chromium than several small ones.
  const segments: [number[], number[], number[]] = [[], [], []];
  for (let k = from; k < to; k++) {
    const a = model.arrows[k] as Arrow;
    if (a.t1 < tStart) continue;
    const y0 = ys[a.from] as number;
    const y1 = ys[a.to] as number;
    if (y0 < 0 || y1 < 0 || view.hiddenTypes.has(a.type)) continue;
    const x0 = xOf(a.t0);
    const x1 = xOf(a.t1);
    // Skip an arrow that would cover the same pixels as one already drawn (same start pixel,
    // lanes, kind and length): when zoomed out, thousands of arrows collapse into what is visible.
    const slot = ((Math.max(0, Math.min(width, Math.round(x0))) * lanes + a.from) * lanes + a.to) * 3 + a.kind;
    const length = Math.min(32000, Math.round(x1 - x0)) + 1;
    if (seen[slot] === length) continue;
    seen[slot] = length;
    segments[a.kind].push(x0, y0, x1, y1);
  }
  const colors = [COLORS.deliver, COLORS.duplicate, COLORS.drop];
  const CHUNK = 400;
  let drawn = 0;
  for (let kind = 0; kind < 3; kind++) {
    const list = segments[kind] as number[];
    const count = list.length / 4;
    drawn += count;
    ctx.strokeStyle = colors[kind] as string;
    ctx.fillStyle = colors[kind] as string;
    // Heads only when arrows are few enough to tell apart.
    const heads = count < 3000;
    for (let start = 0; start < count; start += CHUNK) {
      const stop = Math.min(count, start + CHUNK);
      ctx.lineWidth = 1;
      if (kind === 2) ctx.setLineDash([4, 3]);
      ctx.beginPath();
      for (let s = start; s < stop; s++) {
        const x0 = list[s * 4] as number;
        const y0 = list[s * 4 + 1] as number;
        const x1 = list[s * 4 + 2] as number;
        const y1 = list[s * 4 + 3] as number;
        ctx.moveTo(x0, y0);
        if (y0 === y1) ctx.bezierCurveTo(x0, y0 - 22, x1, y1 - 22, x1, y1);
        else ctx.lineTo(x1, y1);
      }
      ctx.stroke();
      ctx.setLineDash([]);
      if (!heads) continue;
      ctx.beginPath();
      for (let s = start; s < stop; s++) {
        const x0 = list[s * 4] as number;
        const y0 = list[s * 4 + 1] as number;
        const x1 = list[s * 4 + 2] as number;
        const y1 = list[s * 4 + 3] as number;
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
