/**
 * How long `npm run trace` and `npm run site -- --serve` serve: until Ctrl-C, SIGTERM or SIGHUP, or
 * until the command that started them goes away.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { RunningServer } from "../site/serve.js";

/**
 * Stops serving on Ctrl-C, SIGTERM and SIGHUP, and when a process that started this one ends:
 * `npm run <script>` runs npm, a shell and tsx above this process, and killing npm (even with
 * SIGKILL, which it cannot pass on) must not leave the server running as an orphan. Exits 0.
 */
export function serveUntilStopped(running: RunningServer, script: string, cleanUp: () => void = () => {}): void {
  let stopping = false;
  const stop = (why: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`Stopped serving (${why}).\n`);
    const done = (): never => {
      cleanUp();
      process.exit(0);
    };
    running.close().then(done, done);
    setTimeout(done, 1000).unref();
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => stop(signal));
  const watched = ancestorsToWatch(script);
  setInterval(() => {
    const gone = watched.find((pid) => !alive(pid));
    if (gone !== undefined) stop(`process ${gone}, which started this one, ended`);
  }, 300).unref();
}

/** The parent, and under `npm run <script>`, every ancestor up to and including npm itself. */
function ancestorsToWatch(script: string): number[] {
  const chain = [process.ppid];
  if (process.env.npm_lifecycle_event !== script) return chain;
  for (let pid = process.ppid, depth = 0; depth < 6; depth++) {
    const info = processInfo(pid);
    if (info === undefined) break;
    if (/\bnpm(-cli\.js)?\b/.test(info.command)) return chain;
    if (info.parent <= 1) break;
    chain.push(info.parent);
    pid = info.parent;
  }
  return [process.ppid]; // npm not found above us: the parent is all we can be sure of
}

function processInfo(pid: number): { parent: number; command: string } | undefined {
  try {
    if (process.platform === "linux") {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      return { parent, command: readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\u0000", " ") };
    }
    if (process.platform === "win32") return undefined;
    const [parent, ...command] = execFileSync("ps", ["-o", "ppid=,command=", "-p", String(pid)], { encoding: "utf8" }).trim().split(/\s+/);
    return { parent: Number(parent), command: command.join(" ") };
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
