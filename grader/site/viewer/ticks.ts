/**
 * The marks on each node's lane: timers set, fired and cancelled, log lines, grader calls, syncs
 * and clock changes as ticks; starts, crashes, restarts, pauses and duplicates as symbols. When
 * zoomed out, one mark per pixel, lane and kind: 100k events cost what the screen can show.
 */
import { xOf } from "./layout.js";
import { type LooseEvent, lowerBound, upperBound } from "./model.js";
import { active, COLORS, stats } from "./state.js";

export function drawTicks(ctx: CanvasRenderingContext2D, ys: Float64Array, tStart: number, tEnd: number, width: number): void {
  const { model } = active();
  const from = lowerBound(model.tickTimes, tStart);
  const to = upperBound(model.tickTimes, tEnd);
  // One mark per pixel, lane and kind when zoomed out: 100k events cost what the screen can show.
  const seen = new Uint8Array(Math.ceil(width + 1) * model.nodes.length);
  const paths: Record<"set" | "fire" | "cancel" | "log" | "call" | "sync", Path2D> = { set: new Path2D(), fire: new Path2D(), cancel: new Path2D(), log: new Path2D(), call: new Path2D(), sync: new Path2D() };
  const symbols: [number, number, string][] = [];
  let drawn = 0;
  for (let k = from; k < to; k++) {
    const i = model.ticks[k] as number;
    const lane = model.lanes[i] as number;
    const y = ys[lane] as number;
    if (y < 0) continue;
    const e = model.events[i] as LooseEvent;
    const x = Math.round(xOf(model.times[i] as number)) + 0.5;
    const bit = kindBit(e.type);
    const slot = lane * Math.ceil(width + 1) + Math.max(0, Math.min(width, Math.floor(x)));
    if ((seen[slot] as number) & bit) continue;
    seen[slot] = (seen[slot] as number) | bit;
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

/** One bit per kind of tick, for "one mark per pixel, lane and kind". */
function kindBit(type: string): number {
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
