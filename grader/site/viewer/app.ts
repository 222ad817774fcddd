/**
 * The trace viewer (the browser bundle's entry point; grader/site/build.ts builds it into
 * viewer/app.js): a space-time diagram of one run (diagram.ts), the client operations under it
 * (history-view.ts), a details panel beside it (details.ts), the failure (failure.ts), and the
 * page around them (controls.ts, intro.ts); layout.ts maps time to pixels, render.ts schedules
 * drawing, state.ts holds what they share, and dom.ts is the only way any of them makes DOM. Canvas-drawn, and only what is in view is drawn, so a
 * trace of 100,000 events pans and zooms smoothly.
 *
 * Open a trace with ?trace=<url> (what `npm run trace` prints), the file picker, or drag and drop.
 */
import { buildUi } from "./controls.js";
import { h } from "./dom.js";
import { jumpToFailure } from "./failure.js";
import { showIntro } from "./intro.js";
import { laneYs, xOf } from "./layout.js";
import { buildModel, parseTraceText } from "./model.js";
import { fit, panBy, select, step, zoomAt } from "./navigation.js";
import { render } from "./render.js";
import { active, openModel, stats, view, viewerRoot } from "./state.js";

/** Exposed for the browser tests and for poking at a trace from the console. */
(window as unknown as { __traceViewer: unknown }).__traceViewer = {
  stats,
  view,
  get model() {
    return openModel();
  },
  select,
  step,
  jumpToFailure,
  fit,
  zoomAt,
  panBy,
  render: () => render(),
  xOf,
  laneY: (node: string) => laneYs().ys[active().model.laneIndex.get(node) ?? -1],
};

start();

async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const url = params.get("trace");
  if (url) {
    viewerRoot().replaceChildren(h("p", { class: "loading" }, `Loading ${url}…`));
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
      open(await response.text(), url);
    } catch (error) {
      showIntro(open, `Could not open ${url}: ${error instanceof Error ? error.message : String(error)}`);
    }
  } else showIntro(open);
}

/** Opens a trace's text (`name`: where it came from, for the title and messages). */
function open(text: string, name: string): void {
  const started = performance.now();
  let trace: ReturnType<typeof parseTraceText>;
  try {
    trace = parseTraceText(text);
  } catch (error) {
    showIntro(open, `${name}: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  const model = buildModel(trace);
  view.hiddenNodes.clear();
  view.hiddenTypes.clear();
  view.selected = -1;
  buildUi(model, name, open);
  fit();
  stats.loadMs = performance.now() - started;
  if (model.header.failure && new URLSearchParams(location.search).get("at") !== "start") jumpToFailure();
}
