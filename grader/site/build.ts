/**
 * Builds the course website: every Markdown page of the course (README, COURSE.md, units, readings,
 * lab handouts) as HTML with a navigation sidebar, the source files those pages link to, the
 * progress page, and the trace viewer. Static files only, nothing fetched from the network.
 *
 * The build refuses to produce a site with a broken internal link (checked on the generated HTML,
 * anchors included) or a unit page without its required sections.
 */
import { buildSync } from "esbuild";
import MarkdownIt from "markdown-it";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, posix, resolve } from "node:path";
import { escapeHtml, highlight } from "./highlight.js";
import { readProgress, renderProgress } from "./progress.js";

const HERE = import.meta.dirname;

type Markdown = InstanceType<typeof MarkdownIt>;
type Tokens = ReturnType<Markdown["parse"]>;

/** Sections every unit page must have: `name` for the error message, `heading` matches an h2. */
export const REQUIRED_UNIT_SECTIONS: readonly { name: string; heading: RegExp }[] = [
  { name: "Learning objectives", heading: /^learning objectives$/i },
  { name: "Readings", heading: /^readings$/i },
  { name: "Lab", heading: /^(the )?lab\b/i },
  { name: "Discussion questions", heading: /^discussion questions$/i },
];

export interface BuildOptions {
  /** The course repository. */
  root: string;
  /** The output folder; emptied first. */
  out: string;
}

export interface BuildResult {
  out: string;
  /** Output paths (relative to `out`, with forward slashes) of every page written. */
  pages: string[];
}

/** Everything that makes the build fail, all listed at once. */
export class SiteBuildError extends Error {
  constructor(readonly problems: string[]) {
    super(`the site was not built:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "SiteBuildError";
  }
}

interface Page {
  /** Source path relative to the repository, forward slashes. */
  source: string;
  /** Output path relative to the site, forward slashes. */
  output: string;
  section: "home" | "course" | "unit" | "reading" | "lab";
  /** The first `# ` heading, for the navigation. */
  title: string;
}

export function buildSite(options: BuildOptions): BuildResult {
  const root = resolve(options.root);
  const out = resolve(options.out);
  const pages = discoverPages(root);
  const bySource = new Map(pages.map((p) => [p.source, p]));
  const problems: string[] = [];
  const sourceFiles = new Set<string>();
  const rendered = new Map<string, { title: string; body: string }>();

  for (const page of pages) {
    const text = readFileSync(join(root, page.source), "utf8");
    const md = markdown((href) => rewriteLink(root, page, href, bySource, sourceFiles, problems));
    const env = {};
    const tokens = md.parse(text, env);
    if (page.section === "unit") problems.push(...missingSections(page.source, tokens));
    const h1 = tokens.findIndex((t: Tokens[number]) => t.type === "heading_open" && t.tag === "h1");
    const title = h1 >= 0 ? (tokens[h1 + 1]?.content ?? page.source) : page.source;
    rendered.set(page.output, { title, body: md.renderer.render(tokens, md.options, env) });
  }
  if (problems.length > 0) throw new SiteBuildError(problems);

  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const written: string[] = [];
  const write = (output: string, html: string) => {
    const file = join(out, ...output.split("/"));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, html);
    written.push(output);
  };
  const nav = navigation(pages, rendered);
  for (const page of pages) {
    const { title, body } = rendered.get(page.output) as { title: string; body: string };
    write(page.output, layout(page.output, title, `<article class="prose">${body}</article>`, nav));
  }
  for (const source of [...sourceFiles].sort()) {
    const code = readFileSync(join(root, source), "utf8");
    const lang = source.split(".").pop() ?? "";
    const body = `<article class="prose"><h1><code>${escapeHtml(source)}</code></h1>` +
      `<pre><code class="language-${lang}">${highlight(code, lang)}</code></pre></article>`;
    write(sourcePagePath(source), layout(sourcePagePath(source), source, body, nav));
  }
  write("progress.html", progressPage(root, nav));
  copyTree(join(HERE, "assets"), join(out, "assets"), written, "assets");
  writeViewerFiles(join(out, "viewer"), written);
  write("viewer/index.html", viewerPage(nav));

  const linkProblems = checkLinks(out, written);
  if (linkProblems.length > 0) throw new SiteBuildError(linkProblems);
  return { out, pages: written.filter((p) => p.endsWith(".html")).sort() };
}

/**
 * Only the trace viewer (for `npm run trace`): works even when a course page would fail the full
 * build, so a learner can always look at a trace.
 */
export function buildViewer(out: string): string {
  const folder = resolve(out);
  rmSync(folder, { recursive: true, force: true });
  const written: string[] = [];
  copyTree(join(HERE, "assets"), join(folder, "assets"), written, "assets");
  writeViewerFiles(join(folder, "viewer"), written);
  const html = viewerPage([{ group: "Tools", title: "Trace viewer", output: "viewer/index.html" }]).replace(/<a class="brand" href="[^"]*">/, '<a class="brand" href="./">');
  writeFileSync(join(folder, "viewer", "index.html"), html);
  return folder;
}

/** The progress page alone (the server re-renders it on every request, so it is always current). */
export function progressPage(root: string, nav: NavEntry[] | undefined = undefined): string {
  const body = renderProgress(readProgress(root));
  return layout("progress.html", "Progress", body, nav ?? navigation(discoverPages(root), undefined));
}

function discoverPages(root: string): Page[] {
  const pages: Page[] = [];
  const add = (source: string, section: Page["section"]) => {
    if (!existsSync(join(root, source))) return;
    const parts = source.split("/");
    const name = parts.pop() as string;
    const output = [...parts, name === "README.md" ? "index.html" : name.replace(/\.md$/, ".html")].join("/");
    const title = /^# (.+)$/m.exec(readFileSync(join(root, source), "utf8"))?.[1]?.trim() ?? source;
    pages.push({ source, output, section, title });
  };
  add("README.md", "home");
  add("COURSE.md", "course");
  for (const unit of subfolders(join(root, "units"))) add(`units/${unit}/README.md`, "unit");
  for (const lab of subfolders(join(root, "labs"))) add(`labs/${lab}/README.md`, "lab");
  add("readings/README.md", "reading");
  for (const file of listFiles(join(root, "readings")).filter((f) => f.endsWith(".md") && f !== "README.md")) add(`readings/${file}`, "reading");
  return pages;
}

function markdown(rewrite: (href: string) => string): Markdown {
  const md = new MarkdownIt({ html: true, linkify: false, typographer: false, highlight: (code, lang) => highlight(code, lang) });
  md.core.ruler.push("heading_ids", (state) => {
    const seen = new Map<string, number>();
    state.tokens.forEach((token, i) => {
      if (token.type !== "heading_open") return;
      const base = slug(state.tokens[i + 1]?.content ?? "");
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      token.attrSet("id", count === 0 ? base : `${base}-${count}`);
    });
  });
  md.core.ruler.push("rewrite_links", (state) => {
    const visit = (tokens: typeof state.tokens) => {
      for (const token of tokens) {
        if (token.type === "link_open") token.attrSet("href", rewrite(String(token.attrGet("href") ?? "")));
        if (token.children) visit(token.children);
      }
    };
    visit(state.tokens);
  });
  return md;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, "").trim().replace(/\s/g, "-");
}

/**
 * A relative link in a Markdown page, made to point into the site: to the page built from that
 * Markdown file, to a folder's README page, or to a rendered copy of a source file. Links it cannot
 * map are left alone, and the link check then reports them.
 */
function rewriteLink(root: string, page: Page, href: string, pages: Map<string, Page>, sources: Set<string>, problems: string[]): string {
  if (href === "" || href.startsWith("#") || /^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("//")) return href;
  const [path = "", anchor] = href.split("#");
  const target = posix.normalize(posix.join(posix.dirname(page.source), decodeURIComponent(path)));
  const fragment = anchor === undefined ? "" : `#${anchor}`;
  const from = posix.dirname(page.output);
  const direct = pages.get(target) ?? pages.get(posix.join(target, "README.md"));
  if (direct !== undefined) return posix.relative(from, direct.output) + fragment || `./${posix.basename(direct.output)}${fragment}`;
  const file = join(root, ...target.split("/"));
  if (target.startsWith("solutions-private/")) {
    problems.push(`${page.source} links to ${href}, which is not part of the published course (solutions-private/)`);
    return href;
  }
  if (!target.startsWith("..") && existsSync(file) && statSync(file).isFile()) {
    sources.add(target);
    return posix.relative(from, sourcePagePath(target)) + fragment;
  }
  return href;
}

function sourcePagePath(source: string): string {
  return `source/${source}.html`;
}

function missingSections(source: string, tokens: Tokens): string[] {
  const headings: string[] = [];
  tokens.forEach((token: Tokens[number], i: number) => {
    if (token.type === "heading_open" && token.tag === "h2") headings.push((tokens[i + 1]?.content ?? "").trim());
  });
  return REQUIRED_UNIT_SECTIONS.filter((s) => !headings.some((h) => s.heading.test(h))).map(
    (s) => `${source} has no "## ${s.name}" section (a unit page needs: ${REQUIRED_UNIT_SECTIONS.map((r) => r.name).join(", ")})`,
  );
}

export interface NavEntry {
  group: string;
  title: string;
  output: string;
}

function navigation(pages: Page[], rendered: Map<string, { title: string }> | undefined): NavEntry[] {
  const groups: Record<Page["section"], string> = { home: "Course", course: "Course", unit: "Units", lab: "Labs", reading: "Readings" };
  const entries: NavEntry[] = [];
  for (const page of pages) {
    let title = rendered?.get(page.output)?.title ?? page.title;
    if (page.section === "home") title = "Home";
    if (page.section === "course") title = "Syllabus";
    if (page.source === "readings/README.md") title = "All readings";
    else if (page.section === "reading") continue;
    entries.push({ group: groups[page.section], title, output: page.output });
  }
  entries.push({ group: "Tools", title: "Progress", output: "progress.html" });
  entries.push({ group: "Tools", title: "Trace viewer", output: "viewer/index.html" });
  return entries;
}

function layout(output: string, title: string, body: string, nav: NavEntry[], extraHead = ""): string {
  const up = posix.relative(posix.dirname(output), ".") || ".";
  const href = (target: string) => posix.relative(posix.dirname(output), target) || posix.basename(target);
  let navHtml = "";
  let group = "";
  for (const entry of nav) {
    if (entry.group !== group) {
      navHtml += `${group === "" ? "" : "</ul>"}<h2>${escapeHtml(entry.group)}</h2><ul>`;
      group = entry.group;
    }
    const current = entry.output === output ? ' aria-current="page"' : "";
    navHtml += `<li><a href="${escapeHtml(href(entry.output))}"${current}>${escapeHtml(entry.title)}</a></li>`;
  }
  navHtml += "</ul>";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Distributed systems in TypeScript</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${up}/assets/site.css">
${extraHead}</head>
<body>
<nav class="sidebar"><a class="brand" href="${escapeHtml(href("index.html"))}">Distributed systems<br><small>in TypeScript</small></a>${navHtml}</nav>
<main>${body}</main>
</body>
</html>
`;
}

/**
 * The viewer's script and stylesheet: its TypeScript modules (grader/site/viewer/*.ts, entry
 * app.ts) bundled by esbuild into one browser module, viewer/app.js, the only script the viewer
 * page loads. Built at site-build time, so the repository holds no generated JavaScript.
 */
function writeViewerFiles(to: string, written: string[]): void {
  mkdirSync(to, { recursive: true });
  const result = buildSync({
    entryPoints: [join(HERE, "viewer", "app.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    outfile: join(to, "app.js"),
    logLevel: "silent",
    legalComments: "none",
    // Paths in the bundle's comments are relative to the repository, whatever the working directory.
    absWorkingDir: resolve(HERE, "..", ".."),
  });
  for (const file of result.outputFiles) writeFileSync(file.path, file.contents);
  written.push("viewer/app.js");
  copyFileSync(join(HERE, "viewer", "viewer.css"), join(to, "viewer.css"));
  written.push("viewer/viewer.css");
}

/**
 * The viewer page's Content-Security-Policy: scripts only from the site's own files (no inline
 * script, no event-handler attributes, no eval), styles only from its stylesheets, and fetches only
 * from the server that served it. The viewer inserts every trace field as text (viewer/dom.ts builds its DOM
 * with createElement and text nodes); this is the second wall, so that if markup from a trace ever
 * did reach the DOM, a script planted in it still would not run.
 */
export const VIEWER_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

function viewerPage(nav: NavEntry[]): string {
  const body = `<div id="viewer-root" class="viewer"></div>`;
  const head = `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(VIEWER_CSP)}">\n<link rel="stylesheet" href="viewer.css">\n<script type="module" src="app.js"></script>\n`;
  return layout("viewer/index.html", "Trace viewer", body, nav, head)
    .replace('<body>', '<body class="viewer-page">');
}

/**
 * Every href and src in the generated HTML must name a file in the site, and a #fragment must name
 * an id in that file. External links (with a scheme) are not checked: the build works offline.
 */
function checkLinks(out: string, written: string[]): string[] {
  const problems: string[] = [];
  const ids = new Map<string, Set<string>>();
  const idsOf = (output: string) => {
    let set = ids.get(output);
    if (set === undefined) {
      const html = readFileSync(join(out, ...output.split("/")), "utf8");
      set = new Set([...html.matchAll(/\sid="([^"]*)"/g)].map((m) => decodeEntities(m[1] as string)));
      ids.set(output, set);
    }
    return set;
  };
  for (const output of written.filter((p) => p.endsWith(".html"))) {
    const html = readFileSync(join(out, ...output.split("/")), "utf8");
    for (const match of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      const raw = decodeEntities(match[1] as string);
      if (/^[a-z][a-z0-9+.-]*:/i.test(raw) || raw.startsWith("//")) continue;
      const [pathAndQuery = "", anchor] = raw.split("#");
      const path = pathAndQuery.split("?")[0] as string;
      let target = path === "" ? output : posix.normalize(posix.join(posix.dirname(output), decodeURIComponent(path)));
      if (path.endsWith("/") || (target !== "" && existsSync(join(out, target)) && statSync(join(out, target)).isDirectory())) {
        target = posix.join(target, "index.html");
      }
      const file = join(out, ...target.split("/"));
      if (target.startsWith("..") || !existsSync(file)) {
        problems.push(`${output}: broken link ${raw} (${target} is not in the site)`);
        continue;
      }
      if (anchor && target.endsWith(".html") && !idsOf(target).has(decodeURIComponent(anchor))) {
        problems.push(`${output}: broken link ${raw} (${target} has no heading #${anchor})`);
      }
    }
  }
  return problems;
}

function decodeEntities(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function copyTree(from: string, to: string, written: string[], prefix: string): void {
  if (!existsSync(from)) return;
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    const source = join(from, name);
    if (statSync(source).isDirectory()) copyTree(source, join(to, name), written, `${prefix}/${name}`);
    else {
      copyFileSync(source, join(to, name));
      written.push(`${prefix}/${name}`);
    }
  }
}

function subfolders(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => statSync(join(dir, name)).isDirectory()).sort();
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => statSync(join(dir, name)).isFile()).sort();
}
