/** The failure the grader reported: the header's line saying what went wrong, and jumping to it. */
import { showDetails } from "./details.js";
import { h } from "./dom.js";
import { plotWidth } from "./layout.js";
import { type Model, upperBound } from "./model.js";
import { selectTimed } from "./navigation.js";
import { render } from "./render.js";
import { active, view } from "./state.js";

/**
 * The header's failure line. Every part of the failure is text: its time and node are whatever the
 * trace says, shown as such.
 */
export function failureLine(model: Model): HTMLElement {
  const failure = model.header.failure;
  if (!failure) return h("p", { class: "vpass" }, "This run passed.");
  const time = model.failureTime !== undefined ? `${model.failureTime} ms` : failure.time !== undefined && failure.time !== null ? String(failure.time) : undefined;
  const node = failure.node !== undefined && failure.node !== null && failure.node !== "" ? String(failure.node) : undefined;
  return h("p", { class: "vfailure", role: "alert" }, h("strong", {}, "Failure"),
    time !== undefined ? ` at t=${time}` : "", node !== undefined ? ` on ${node}` : "", ": ", h("span", {}, String(failure.message ?? "")));
}

/** Centres the view on the failure the grader reported and selects the event that tripped it. */
export function jumpToFailure(): void {
  const { model } = active();
  const failure = model.header.failure;
  if (!failure) return;
  const t = model.failureTime ?? model.end;
  const window = Math.max(20, Math.min(model.end * 0.25, 400));
  view.msPerPx = window / plotWidth();
  view.t0 = t - window * 0.7;
  // The event at the failure: the last one at or before its time on its node.
  let found = -1;
  for (let i = upperBound(model.times, t) - 1; i >= 0; i--) {
    const lane = model.lanes[i] as number;
    if (failure.node === undefined || (lane >= 0 && model.nodes[lane] === failure.node)) {
      found = i;
      break;
    }
  }
  if (found >= 0) {
    view.selected = found;
    showDetails(found, selectTimed, true);
  }
  render();
}
