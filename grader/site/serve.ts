/**
 * A small static server for the built site, on 127.0.0.1 only. Besides the site's files it serves the
 * repository's traces/ folder (and a list of it, for the viewer), any extra trace files it is given,
 * and the progress page rendered fresh on every request.
 *
 * It answers only requests addressed to localhost (the Host header), so a web page elsewhere cannot
 * reach it through a DNS name that it points at 127.0.0.1 (DNS rebinding). A request for anything
 * that is not a readable file (a directory, a dangling symlink, a file deleted meanwhile) gets a
 * 404 naming the path, never a crash.
 */
import { createServer, type Server } from "node:http";
import { readdirSync, readFileSync, realpathSync, type Stats, statSync } from "node:fs";
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
    try {
      handle(request.url, request.method, request.headers.host, send, (location) => {
        response.writeHead(301, { location });
        response.end();
      });
    } catch (error) {
      // A bug or an unexpected file-system error costs this request, not the server.
      if (!response.headersSent) send(500, `internal error: ${(error as Error).message}`);
      else response.destroy();
    }
  });

  const handle = (url: string | undefined, method: string | undefined, host: string | undefined, send: (status: number, body: string | Buffer, type?: string) => void, redirect: (location: string) => void): void => {
    if (!isLocalHost(host)) return send(403, `refused: this server answers only requests for localhost, 127.0.0.1 or [::1], not ${JSON.stringify(host ?? "")}`);
    let path: string;
    try {
      path = decodeURIComponent(new URL(url ?? "/", "http://localhost").pathname);
    } catch {
      send(400, "bad request");
      return;
    }
    if (method !== "GET" && method !== "HEAD") return send(405, "method not allowed");
    const extra = options.extra?.get(path);
    if (extra !== undefined) {
      const body = readIfFile(extra);
      return body === undefined ? send(404, `not found: ${path} (the trace file ${extra} is gone or is not a file)`) : send(200, body, TYPES[".json"]);
    }
    if (path === "/progress.html") return send(200, progressPage(options.root), TYPES[".html"]);
    if (path === "/traces/index.json") return send(200, JSON.stringify(listTraces(traces)), TYPES[".json"]);
    const base = path.startsWith("/traces/") ? traces : out;
    const rest = path.startsWith("/traces/") ? path.slice("/traces/".length) : path.slice(1);
    let file = resolve(base, rest);
    if (file !== base && !file.startsWith(base + sep)) return send(403, "outside the site");
    // From traces/ only trace files: anything else there (an .html a run left, say) would be served
    // from the viewer's own origin, where its scripts could read and drive the viewer.
    if (base === traces && extname(file) !== ".json") return send(404, `not found: ${path}`);
    // A folder of the site is its index.html; in traces/ a folder is not a trace.
    if (base === out && statOf(file)?.isDirectory()) {
      if (!path.endsWith("/")) return redirect(`${path}/`);
      file = join(file, "index.html");
    }
    const body = readIfFile(file);
    if (body === undefined) return send(404, `not found: ${path}${statOf(file)?.isDirectory() ? " (a folder, not a file)" : ""}`);
    send(200, body, TYPES[extname(file)] ?? "application/octet-stream");
  };
  const port = await listen(server, options.port ?? 0);
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        // A browser's keep-alive connections would otherwise hold the server open.
        server.closeAllConnections();
      }),
  };
}

/** Whether a Host header names this machine's loopback address: localhost, 127.0.0.1 or [::1], with or without a port. */
export function isLocalHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const m = /^(localhost|127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?$/i.exec(host.trim());
  return m !== null && (m[2] === undefined || Number(m[2]) <= 65535);
}

/** The file's stats, following symlinks; undefined if it does not exist (or is a dangling link). */
function statOf(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

/** The contents of a regular file, or undefined for anything else (missing, a folder, unreadable). */
function readIfFile(file: string): Buffer | undefined {
  if (!statOf(file)?.isFile()) return undefined;
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
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
  const visited = new Set<string>();
  const walk = (folder: string, depth: number) => {
    // Each real folder once (a symlink may lead back up: a loop), and not too deep.
    let real: string;
    try {
      real = realpathSync(folder);
    } catch {
      return;
    }
    if (depth > 16 || visited.has(real)) return;
    visited.add(real);
    let names: string[];
    try {
      names = readdirSync(folder);
    } catch {
      return; // no traces/ yet, or unreadable
    }
    for (const name of names) {
      const file = join(folder, name);
      const stat = statOf(file); // undefined for a dangling symlink: skipped
      if (stat?.isDirectory()) walk(file, depth + 1);
      else if (stat?.isFile() && name.endsWith(".json")) found.push({ path: relative(dir, file).split(sep).join("/"), mtime: stat.mtimeMs });
    }
  };
  walk(dir, 0);
  return found.sort((a, b) => b.mtime - a.mtime || a.path.localeCompare(b.path)).map((f) => f.path);
}
