/**
 * `npm run site [-- options]`: builds the course website into site-dist/ (or --out), and with
 * --serve serves it on 127.0.0.1 and prints the address. Exit status 1 when the build finds a broken
 * internal link or a unit page missing a required section.
 */
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildSite, SiteBuildError } from "../site/build.js";
import { serveSite } from "../site/serve.js";
import { REPO_ROOT } from "../runner/typecheck.js";
import { serveUntilStopped } from "./serve-lifetime.js";

const USAGE = `Usage: npm run site [-- options]
  Builds the course website (units, readings, lab handouts, progress page, trace viewer).

Options:
  --out <dir>     where to build it (default: site-dist/)
  --serve         serve it on 127.0.0.1 and print the address (until Ctrl-C, SIGTERM or SIGHUP)
  --port <N>      port for --serve (default 4321; any free port if that one is taken)
  --help          show this help
`;

const cwd = process.env.npm_lifecycle_event === "site" && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();
let values;
try {
  ({ values } = parseArgs({
    args: process.argv.slice(2),
    strict: true,
    options: { out: { type: "string" }, serve: { type: "boolean" }, port: { type: "string" }, help: { type: "boolean", short: "h" } },
  }));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const port = values.port === undefined ? 4321 : Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`--port needs a port number, got ${JSON.stringify(values.port)}.\n`);
  process.exit(2);
}

const out = values.out === undefined ? join(REPO_ROOT, "site-dist") : resolve(cwd, values.out);
try {
  const result = buildSite({ root: REPO_ROOT, out });
  process.stdout.write(`Built ${result.pages.length} pages into ${relative(cwd, out) || "."}/\n`);
} catch (error) {
  if (!(error instanceof SiteBuildError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
if (values.serve) {
  const server = await serveSite({ out, root: REPO_ROOT, port });
  process.stdout.write(`Serving the course at ${server.url} (progress: ${server.url}progress.html, traces: ${server.url}viewer/). Ctrl-C to stop.\n`);
  serveUntilStopped(server, "site");
}
