/**
 * `npm run trace -- <trace.json>` opens a trace in the viewer: it serves the viewer on 127.0.0.1 and
 * prints the address of the diagram. `npm run trace -- <unit> --only <test> --seed <S> [--impl <dir>]`
 * first replays that seed (as `npm run lab` with --trace would), then opens its trace: the one command
 * a failing `npm run lab` prints under each failure.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative, resolve, sep } from "node:path";
import { buildViewer } from "../site/build.js";
import { serveSite } from "../site/serve.js";
import { REPO_ROOT } from "../runner/typecheck.js";

const USAGE = `Usage:
  npm run trace -- <trace.json>                                  open a trace in the viewer
  npm run trace -- <unit> --only <test> --seed <S> [--impl <dir>]  replay that seed, then open its trace

Options:
  --port <N>   port to serve on (default: any free port)
  --help       show this help
`;

const cwd = process.env.npm_lifecycle_event === "trace" && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();
const args = process.argv.slice(2);
let port = 0;
const portAt = args.indexOf("--port");
if (portAt >= 0) {
  port = Number(args[portAt + 1]);
  args.splice(portAt, 2);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port needs a port number.\n\n${USAGE}`);
}
if (args.length === 0 || args.includes("--help") || args.includes("-h")) {
  process.stdout.write(USAGE);
  process.exit(args.length === 0 ? 2 : 0);
}

let file: string;
const first = args[0] as string;
if (args.length === 1 && (first.endsWith(".json") || existsSync(resolve(cwd, first)))) {
  file = resolve(cwd, first);
  if (!existsSync(file)) fail(`There is no trace ${first}. Traces are written by \`npm run lab N -- --only TEST --seed S --trace\`.`);
} else {
  file = replay(args);
}

const url = file.startsWith(join(REPO_ROOT, "traces") + sep)
  ? `/traces/${relative(join(REPO_ROOT, "traces"), file).split(sep).join("/")}`
  : `/trace-file/${encodeURIComponent(basename(file))}`;
const out = buildViewer(mkdtempSync(join(tmpdir(), "ds-course-viewer-")));
const server = await serveSite({ out, root: REPO_ROOT, port, extra: new Map([[decodeURIComponent(url), file]]) });
process.stdout.write(`Trace: ${relative(cwd, file)}\nOpen the diagram: ${server.url}viewer/?trace=${encodeURIComponent(url)}\n(Ctrl-C to stop serving.)\n`);

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
