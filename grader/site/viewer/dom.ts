/**
 * The one way this viewer makes DOM: an element with attributes set by setAttribute and children
 * appended as nodes or text nodes. Nothing a trace holds (its lab, test, failure, node ids,
 * messages, log lines...) is ever parsed as HTML, so markup in a trace shows as the text it is. The
 * viewer has no HTML-parsing DOM call at all (test/site/site.test.ts checks the sources).
 */

export type Child = Node | string | number | false | null | undefined;

/** Attributes are omitted when undefined or false; strings become text nodes; false, null and undefined children are skipped. */
export function h(tag: string, attrs: Record<string, string | number | boolean | undefined> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    el.append(typeof child === "object" ? child : String(child));
  }
  return el;
}

/** A legend swatch (its colour set through the CSSOM, so the page needs no inline style). */
export function swatch(color: string): HTMLElement {
  const i = h("i", { class: "sw" });
  i.style.background = color;
  return i;
}

/** A checked checkbox with a text label. */
export function checkbox(label: string, onChange: () => void): HTMLLabelElement {
  const wrap = document.createElement("label");
  const input = document.createElement("input");
  input.type = "checkbox";
  input.checked = true;
  input.addEventListener("change", onChange);
  wrap.append(input, ` ${label}`);
  return wrap;
}
