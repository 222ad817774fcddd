/**
 * A small static server for the built site, on 127.0.0.1 only. Besides the site's files it serves the
 * repository's traces/ folder (and a list of it, for the viewer), any extra trace files it is given,
 * and the progress page rendered fresh on every request.
 */
import { createServer, type Server } from "node:http";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative, resolve, sep } from "node:path";
import { progressPage } from "./build.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".txt": "text/plain; charset=utf-8",
};

export interface ServeOptions {
  /** The built site. */
  out: string;
  /** The course repository (for traces/ and .progress/). */
  root: string;
  /** 0 picks a free port. */
  port?: number;
  /** URL path → file, for traces outside traces/ (what `npm run trace` opens). */
  extra?: Map<string, string>;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function serveSite(options: ServeOptions): Promise<RunningServer> {
  const out = resolve(options.out);
  const traces = join(resolve(options.root), "traces");
  const server = createServer((request, response) => {
    const send = (status: number, body: string | Buffer, type = "text/plain; charset=utf-8") => {
      // nosniff: a trace (learner-influenced JSON) is never taken for HTML or script by the browser.
      response.writeHead(status, { "content-type": type, "cache-control": "no-store", "x-content-type-options": "nosniff" });
      response.end(body);
    };
    let path: string;
    try {
      path = decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname);
    } catch {
      send(400, "bad request");
      return;
    }
    if (request.method !== "GET" && request.method !== "HEAD") return send(405, "method not allowed");
    const extra = options.extra?.get(path);
    if (extra !== undefined) return send(200, readFileSync(extra), TYPES[".json"]);
    if (path === "/progress.html") return send(200, progressPage(options.root), TYPES[".html"]);
    if (path === "/traces/index.json") return send(200, JSON.stringify(listTraces(traces)), TYPES[".json"]);
    const base = path.startsWith("/traces/") ? traces : out;
    const rest = path.startsWith("/traces/") ? path.slice("/traces/".length) : path.slice(1);
    let file = resolve(base, rest);
    if (file !== base && !file.startsWith(base + sep)) return send(403, "outside the site");
    // From traces/ only trace files: anything else there (an .html a run left, say) would be served
    // from the viewer's own origin, where its scripts could read and drive the viewer.
    if (base === traces && extname(file) !== ".json") return send(404, `not found: ${path}`);
    if (existsSync(file) && statSync(file).isDirectory()) {
      if (!path.endsWith("/")) {
        response.writeHead(301, { location: `${path}/` });
        response.end();
        return;
      }
      file = join(file, "index.html");
    }
    if (!existsSync(file)) return send(404, `not found: ${path}`);
    send(200, readFileSync(file), TYPES[extname(file)] ?? "application/octet-stream");
  });
  const port = await listen(server, options.port ?? 0);
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((done, fail) => {
    const onError = (error: NodeJS.ErrnoException) => {
      // The preferred port is taken (another `npm run site -- --serve`?): take any free one.
      if (error.code === "EADDRINUSE" && port !== 0) server.listen(0, "127.0.0.1");
      else fail(error);
    };
    server.on("error", onError);
    server.once("listening", () => {
      server.off("error", onError);
      const address = server.address();
      done(typeof address === "object" && address !== null ? address.port : port);
    });
    server.listen(port, "127.0.0.1");
  });
}

/** Trace files under traces/, newest first, as paths relative to it with forward slashes. */
function listTraces(dir: string): string[] {
  const found: { path: string; mtime: number }[] = [];
  const walk = (folder: string) => {
    if (!existsSync(folder)) return;
    for (const name of readdirSync(folder)) {
      const file = join(folder, name);
      const stat = statSync(file);
      if (stat.isDirectory()) walk(file);
      else if (name.endsWith(".json")) found.push({ path: relative(dir, file).split(sep).join("/"), mtime: stat.mtimeMs });
    }
  };
  walk(dir);
  return found.sort((a, b) => b.mtime - a.mtime || a.path.localeCompare(b.path)).map((f) => f.path);
}
