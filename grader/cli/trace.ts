/**
 * `npm run trace -- <trace.json>` opens a trace in the viewer: it checks the file, serves the viewer
 * on 127.0.0.1 and prints the address of the diagram. `npm run trace -- <unit> --only <test> --seed
 * <S> [--impl <dir>]` first replays that seed (as `npm run lab` with --trace would), then opens its
 * trace: the one command a failing `npm run lab` prints under each failure.
 *
 * It serves until Ctrl-C, SIGTERM or SIGHUP, or until the command that started it goes away (a
 * killed `npm run` wrapper must not leave the server behind). Exit status: 0 when it stopped
 * serving (or, with --no-serve, when the trace is fine), 2 for a missing or unreadable trace, a
 * file that is not a trace, or a bad option.
 */
import { spawn, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, join, relative, resolve, sep } from "node:path";
import { looksBinary } from "../check/history-formats/index.js";
import { buildViewer } from "../site/build.js";
import { serveSite } from "../site/serve.js";
import { type LooseTrace, parseTraceText } from "../site/viewer/model.js";
import { REPO_ROOT } from "../runner/typecheck.js";
import { serveUntilStopped } from "./serve-lifetime.js";

const USAGE = `Usage:
  npm run trace -- <trace.json> [options]                                  open a trace in the viewer
  npm run trace -- <unit> --only <test> --seed <S> [--impl <dir>] [options]  replay that seed, then open its trace

Options:
  --port <N>     port to serve on (default: any free port)
  --open         also open the diagram in this machine's browser (BROWSER names one; else the system's)
  --no-serve     check the trace and print what would be served, then exit
  --out <dir>    with --no-serve: also write the viewer and the trace into <dir>, for any static server
  --help         show this help

It serves until Ctrl-C (or SIGTERM/SIGHUP, or the command that started it ends).
Exit status: 0 done, 2 a missing, unreadable or invalid trace, or a bad option.
`;

const cwd = process.env.npm_lifecycle_event === "trace" && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();
const args = process.argv.slice(2);
const flag = (name: string): boolean => {
  const at = args.indexOf(name);
  if (at >= 0) args.splice(at, 1);
  return at >= 0;
};
const option = (name: string): string | undefined => {
  const at = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (at < 0) return undefined;
  const inline = (args[at] as string).startsWith(`${name}=`) ? (args[at] as string).slice(name.length + 1) : undefined;
  const value = inline ?? args[at + 1];
  args.splice(at, inline === undefined ? 2 : 1);
  if (value === undefined || value === "") fail(`${name} needs a value.\n\n${USAGE}`);
  return value;
};

if (args.includes("--help") || args.includes("-h")) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const portText = option("--port");
const port = portText === undefined ? 0 : Number(portText);
if (portText !== undefined && (!/^\d+$/.test(portText) || port > 65535)) fail(`--port needs a port number (0-65535), got ${JSON.stringify(portText)}.`);
const openBrowserToo = flag("--open");
const noServe = flag("--no-serve");
const outText = option("--out");
if (outText !== undefined && !noServe) fail("--out goes with --no-serve (without it, the trace is served from here).");
if (args.length === 0) {
  process.stderr.write(USAGE);
  process.exit(2);
}

let file: string;
const first = args[0] as string;
if (args.length === 1 && (first.endsWith(".json") || existsSync(resolve(cwd, first)))) file = resolve(cwd, first);
else file = replay(args);
const trace = checkTrace(file, first);

const url = file.startsWith(join(REPO_ROOT, "traces") + sep)
  ? `/traces/${relative(join(REPO_ROOT, "traces"), file).split(sep).join("/")}`
  : `/trace-file/${encodeURIComponent(basename(file))}`;
const viewerPath = `viewer/?trace=${encodeURIComponent(url)}`;
process.stdout.write(`Trace: ${relative(cwd, file) || file} (${summary(trace)})\n`);

if (noServe) {
  if (outText === undefined) {
    process.stdout.write(`The trace is fine. Served (without --no-serve), the diagram's address would be http://127.0.0.1:<port>/${viewerPath}\n`);
  } else {
    const out = writeStaticCopy(resolve(cwd, outText));
    process.stdout.write(`Wrote the viewer and the trace into ${relative(cwd, out) || "."}/. Serve that folder with any static web server on localhost and open /viewer/?trace=${encodeURIComponent(`/trace-file/${basename(file)}`)}\n`);
  }
  process.exit(0);
}

const out = buildViewer(mkdtempSync(join(tmpdir(), "ds-course-viewer-")));
const server = await serveSite({ out, root: REPO_ROOT, port, extra: new Map([[decodeURIComponent(url), file]]) });
const address = `${server.url}${viewerPath}`;
process.stdout.write(`Open the diagram: ${address}\n(Ctrl-C to stop serving.)\n`);
serveUntilStopped(server, "trace", () => rmSync(out, { recursive: true, force: true }));
if (openBrowserToo) openBrowser(address, server.port);

/** Checks that `path` is a readable course trace before anything is served; exits 2 saying what is wrong. */
function checkTrace(path: string, given: string): LooseTrace {
  const shown = relative(cwd, path) || given;
  const howToMake = "Traces are written by `npm run lab N -- --only TEST --seed S --trace`.";
  let stat;
  try {
    stat = statSync(path);
  } catch {
    fail(isLink(path) ? `${shown} is a link to a file that is not there. ${howToMake}` : `There is no trace ${shown}. ${howToMake}`);
  }
  if (stat.isDirectory()) fail(`${shown} is a folder; name a trace file in it${traceFilesIn(path)}.`);
  if (!stat.isFile()) fail(`${shown} is not a file.`);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    fail(`Cannot read ${shown}: ${(error as Error).message}`);
  }
  if (looksBinary(text)) fail(`${shown} is binary data, not a trace (a trace is JSON). ${howToMake}`);
  try {
    return parseTraceText(text);
  } catch (error) {
    const reason = (error as Error).message;
    if (error instanceof SyntaxError) fail(`${shown} is not valid JSON (${oneLine(reason)}), so it is not a trace; was it cut short? ${howToMake}`);
    fail(`${shown}: ${oneLine(reason)}. ${howToMake}`);
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function traceFilesIn(dir: string): string {
  try {
    const names = readdirSync(dir).filter((n) => n.endsWith(".json")).slice(0, 3);
    return names.length === 0 ? "" : ` (e.g. ${names.map((n) => join(relative(cwd, dir) || ".", n)).join(", ")})`;
  } catch {
    return "";
  }
}

/** A message made safe for one terminal line (a trace's text could hold control characters). */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ").slice(0, 200);
}

function summary(t: LooseTrace): string {
  const failure = t.failure && typeof t.failure === "object" ? (t.failure as { time?: unknown; node?: unknown }) : undefined;
  const where = failure ? `, failed${typeof failure.time === "number" ? ` at t=${failure.time} ms` : ""}${typeof failure.node === "string" ? ` on ${oneLine(failure.node)}` : ""}` : ", passed";
  return `${oneLine(String(t.lab))} · ${oneLine(String(t.test))} · seed ${oneLine(String(t.seed))}: ${t.events.length.toLocaleString("en-US")} events${where}`;
}

/** The viewer and the trace as static files in `dir` (a new or empty folder, or a previous copy). */
function writeStaticCopy(dir: string): string {
  if (existsSync(dir)) {
    const entries = readdirSync(dir);
    const previous = existsSync(join(dir, "viewer", "index.html")) && existsSync(join(dir, "trace-file"));
    if (entries.length > 0 && !previous) fail(`--out ${relative(cwd, dir) || "."} is not empty; name a new folder (its contents are replaced).`);
  }
  buildViewer(dir);
  mkdirSync(join(dir, "trace-file"), { recursive: true });
  copyFileSync(file, join(dir, "trace-file", basename(file)));
  return dir;
}

/** Opens `address` in a browser if this machine can show one; otherwise says how to look at it. */
function openBrowser(address: string, servedPort: number): void {
  const how = `open ${address} in your browser (on a remote machine: ssh -L ${servedPort}:127.0.0.1:${servedPort} <this host>, then open it locally).`;
  const chosen = process.env.BROWSER;
  let command: string;
  let commandArgs: string[];
  if (chosen) [command, commandArgs] = [chosen, [address]];
  else if (process.platform === "darwin") [command, commandArgs] = ["open", [address]];
  else if (process.platform === "win32") [command, commandArgs] = ["cmd", ["/c", "start", "", address]];
  else {
    if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
      process.stdout.write(`No browser to open here (no display, and BROWSER is not set): ${how}\n`);
      return;
    }
    if (!onPath("xdg-open")) {
      process.stdout.write(`No browser to open here (xdg-open is not installed; set BROWSER to one): ${how}\n`);
      return;
    }
    [command, commandArgs] = ["xdg-open", [address]];
  }
  const child = spawn(command, commandArgs, { detached: true, stdio: "ignore" });
  child.on("error", (error) => process.stdout.write(`Could not start ${command} (${error.message}): ${how}\n`));
  child.unref();
  process.stdout.write(`Opening it with ${command}.\n`);
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => dir !== "" && existsSync(join(dir, command)));
}

/** Runs the lab CLI for one seed with --trace and --json; returns the trace it wrote. */
function replay(labArgs: string[]): string {
  const lab = join(REPO_ROOT, "grader", "cli", "lab.ts");
  const withTrace = [...labArgs.filter((a) => a !== "--trace" && a !== "--json"), "--trace", "--json"];
  if (!labArgs.includes("--seed")) fail(`Name the seed to replay: npm run trace -- ${labArgs.join(" ")} --seed S\n\n${USAGE}`);
  process.stderr.write(`Replaying: npm run lab ${labArgs[0]} -- ${labArgs.slice(1).join(" ")} --trace\n`);
  const run = spawnSync(process.execPath, [...process.execArgv, lab, ...withTrace], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 * 1024 * 1024 });
  if (run.status === 2 || run.stdout.trim() === "") fail(`The lab could not run (exit status ${run.status}); see the message above.`);
  const result = JSON.parse(run.stdout) as { tests: { id: string; trace?: string; failure?: { trace?: string } }[] };
  const traced = result.tests.map((t) => t.failure?.trace ?? t.trace).filter((t): t is string => t !== undefined);
  if (traced.length === 0) fail("That run wrote no trace (did --only name a test?).");
  if (traced.length > 1) process.stderr.write(`That run wrote ${traced.length} traces; opening the first. Use --only to pick one test.\n`);
  return resolve(cwd, traced[0] as string);
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}
