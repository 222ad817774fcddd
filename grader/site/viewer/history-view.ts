/** The history view under the diagram: each client's operations as bars on the same time axis. */
import { short } from "./describe.js";
import { prepare, timeAt, xOf } from "./layout.js";
import { type HistoryOp, lowerBound } from "./model.js";
import { active, COLORS, GUTTER, ROW_H, view } from "./state.js";

/** The client operations: a row per client, a bar from invocation to completion. */
export function drawHistory(): void {
  const { model, ui } = active();
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
  hist.processes.forEach((p, r) => {
    ctx.fillStyle = COLORS.text;
    ctx.fillText(String(p), 10, 8 + r * ROW_H + 12);
  });
  ctx.save();
  ctx.beginPath();
  ctx.rect(GUTTER, 0, width - GUTTER, height);
  ctx.clip();
  // Operations are short next to a run; search from a little before the window by invocation time.
  const from = Math.max(0, lowerBound(hist.opT0, tStart) - 64);
  const seen = new Set<number>();
  const fills: Record<string, string> = { ok: "#7fb887", fail: "#b8c4ce", info: "#f0b862", pending: "#f0b862" };
  for (let k = from; k < hist.ops.length; k++) {
    const op = hist.ops[k] as HistoryOp;
    if (op.t0 > tEnd) break;
    const t1 = op.t1 ?? model.end;
    if (t1 < tStart) continue;
    const x0 = xOf(op.t0);
    const x1 = Math.max(x0 + 2, xOf(t1));
    const y = 8 + op.process * ROW_H + 2;
    const key = Math.round(x0) * 4096 + op.process;
    if (seen.has(key) && !op.reported) continue;
    seen.add(key);
    ctx.fillStyle = fills[op.type] ?? (fills.pending as string);
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
