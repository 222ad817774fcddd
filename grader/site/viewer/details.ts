/** The details panel beside the diagram: one event, its message, its node's log lines and state. */
import { describe, short } from "./describe.js";
import { annotationAt, type LooseEvent, messageType, upperBound } from "./model.js";
import { active, view } from "./state.js";

/**
 * Shows event `i` in the details panel: what happened, the message and its fate (or the client
 * operation), the raw event, the node's log lines around it, the grader's notes near its time and,
 * for protocols with terms, each node's term and role. `onSelect` is what clicking a log line does.
 */
export function showDetails(i: number, onSelect: (event: number) => void, atFailure = false): void {
  const { model, ui } = active();
  const e = model.events[i] as LooseEvent;
  const panel = ui.details;
  panel.replaceChildren();
  const add = (tag: string, text: string, cls = ""): HTMLElement => {
    const el = document.createElement(tag);
    el.textContent = text;
    if (cls) el.className = cls;
    panel.append(el);
    return el;
  };
  if (atFailure) add("p", `The failure: ${model.header.failure?.message}`, "vfail-note");
  add("h2", `${describe(e)}`);
  const t = model.times[i] as number;
  add("p", `event ${i + 1} of ${model.events.length} · t=${t} ms`, "dim");

  const m = e.id !== undefined ? model.messages.get(e.id) : undefined;
  if (m) {
    add("h3", `Message #${m.id}: ${m.from} → ${m.to} (${messageType(m.msg)})`);
    add("pre", JSON.stringify(m.msg, null, 2), "json");
    const fate = [`sent t=${m.t} ms`];
    for (const j of m.deliveries) fate.push(`delivered t=${model.times[j]} ms`);
    for (const j of m.drops) fate.push(`dropped t=${model.times[j]} ms (${model.events[j]?.reason})`);
    for (const j of m.duplicates) fate.push(`duplicated by the network t=${model.times[j]} ms`);
    if (m.deliveries.length === 0 && m.drops.length === 0) fate.push("still in flight when the run ended");
    add("p", fate.join(" · "));
  } else if (e.type === "op" && e.op !== null && typeof e.op === "object") {
    const op = model.history.ops.find((o) => o.eventIndex === i || (o.process === model.history.processes.indexOf(e.op.process) && o.endIndex === e.op.index));
    add("h3", `Client ${e.op.process}: ${e.op.f}`);
    if (op) add("p", `invoked t=${op.t0} ms with ${short(op.value)}; ${op.t1 === undefined ? "never completed" : `${op.type} at t=${op.t1} ms with ${short(op.result)}`}${op.reported ? " · reported by the checker" : ""}`);
  }
  add("h3", "Event");
  add("pre", JSON.stringify(e, null, 2), "json");

  const lane = model.lanes[i] as number;
  if (lane >= 0) {
    const node = model.nodes[lane];
    const logs = model.logsByLane[lane] ?? [];
    add("h3", `${node}'s log lines around this event`);
    if (logs.length === 0) add("p", `${node} wrote no ctx.log lines in this run; add some and replay the seed: the run is the same, with your lines.`, "dim");
    else {
      const at = upperBound(logs, i);
      const list = add("ol", "", "logs");
      for (let k = Math.max(0, at - 5); k < Math.min(logs.length, at + 5); k++) {
        const j = logs[k] as number;
        const li = document.createElement("li");
        li.textContent = `t=${model.times[j]}  ${model.events[j]?.text}`;
        if (k === at - 1) li.className = "here";
        li.onclick = () => onSelect(j);
        list.append(li);
      }
    }
  }
  const notes = model.notes.filter((j) => Math.abs((model.times[j] as number) - t) <= Math.max(50, 60 * view.msPerPx));
  const failure = model.header.failure;
  add("h3", "The grader's notes");
  if (failure && !atFailure && (model.failureTime === undefined || Math.abs(model.failureTime - t) <= Math.max(50, 60 * view.msPerPx))) add("p", `Failure: ${failure.message}`, "vfail-note");
  if (notes.length === 0) add("p", "none near this time", "dim");
  else {
    const list = add("ul", "");
    for (const j of notes.slice(0, 12)) {
      const li = document.createElement("li");
      li.textContent = `t=${model.times[j]}  ${model.events[j]?.text}`;
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
