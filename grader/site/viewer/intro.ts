/** The way in: the intro page, the file picker, drag and drop, and the list of traces the server has. */
import { h } from "./dom.js";
import { viewerRoot } from "./state.js";

/** What opening a trace's text does (the app's `open`), given to the pickers. */
export type Opener = (text: string, name: string) => void;

/** The page before a trace is open (or after one could not be): how to get one, and the traces the server lists. */
export async function showIntro(onOpen: Opener, problem?: string): Promise<void> {
  const root = viewerRoot();
  const list = h("div", { class: "trace-list" });
  root.replaceChildren(h("div", { class: "intro prose" },
    h("h1", { id: "trace-viewer" }, "Trace viewer"),
    problem ? h("p", { class: "error", role: "alert" }, problem) : undefined,
    h("p", {}, "Open a trace that ", h("code", {}, "npm run lab N -- --only TEST --seed S --trace"), " wrote to ", h("code", {}, "traces/"), ", or run ",
      h("code", {}, "npm run trace -- traces/<lab>/<test>-seed<S>.json"), ", which opens it here."),
    h("p", {}, h("label", { class: "file" }, "Open a trace file… ", h("input", { type: "file", accept: ".json,application/json" })), " or drop one on this page."),
    list));
  wireFileInput(onOpen);
  // When `npm run site -- --serve` or `npm run trace` serves the site, it lists the traces it can see.
  try {
    const response = await fetch("/traces/index.json");
    if (!response.ok) return;
    const files: unknown = await response.json();
    if (!Array.isArray(files) || files.length === 0) return;
    const ul = h("ul");
    list.replaceChildren(h("h2", {}, "Traces on this machine"), ul);
    for (const file of files) {
      const a = h("a", { href: `?trace=${encodeURIComponent(`/traces/${String(file)}`)}` }, String(file));
      ul.append(h("li", {}, a));
    }
  } catch {
    // A static copy of the site (no server): the file picker is the way in.
  }
}

/** The file inputs on the page and drag-and-drop onto it open a trace. */
export function wireFileInput(onOpen: Opener): void {
  for (const input of viewerRoot().querySelectorAll<HTMLInputElement>('input[type="file"]')) {
    input.addEventListener("change", async () => {
      const file = input.files?.[0];
      if (file) openFile(file, onOpen);
    });
  }
  document.body.ondragover = (e) => e.preventDefault();
  document.body.ondrop = (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file) openFile(file, onOpen);
  };
}

async function openFile(file: File, onOpen: Opener): Promise<void> {
  try {
    onOpen(await file.text(), file.name);
  } catch (error) {
    showIntro(onOpen, `Could not open ${file.name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
