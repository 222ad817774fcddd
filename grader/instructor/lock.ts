/**
 * One batch at a time per output folder: two batches sharing one would clear each other's staging
 * folder and interleave their journals. The lock is a file in the output folder that holds its
 * holder's pid. A lock left by a batch that is no longer running (it was killed) is taken over.
 */
import { closeSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join, relative } from "node:path";

export const LOCK = "grading.lock";

/** The output folder is another batch's: the message says which, and what to do. */
export class LockedError extends Error {}

interface Holder {
  pid: number;
  host: string;
  started: string;
}

/**
 * Takes the lock of `outDir`, or throws a LockedError. `onNote` hears about a stale lock taken over.
 * Returns the function that releases it.
 */
export function lockOutputFolder(outDir: string, onNote?: (message: string) => void): () => void {
  const file = join(outDir, LOCK);
  const shown = relative(process.cwd(), file) || file;
  const mine = `${JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() } satisfies Holder)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (create(file, mine)) return () => release(file, mine);
    const text = read(file);
    if (text === undefined) continue; // released meanwhile
    const holder = parse(text);
    if (holder === undefined || alive(holder)) {
      const who = holder === undefined ? "another batch" : `another batch (pid ${holder.pid}${holder.host === hostname() ? "" : ` on ${holder.host}`}, started ${holder.started})`;
      throw new LockedError(
        `The output folder ${relative(process.cwd(), outDir) || "."} is in use by ${who}: wait for it to finish, or grade into another folder with --out. ` +
          `If no batch is grading there, delete ${shown} and run this again.`,
      );
    }
    // Stale. Move it aside first, and remove it only if what was moved is still that stale lock: a
    // batch that took it over in between keeps its own.
    const aside = `${file}.${process.pid}.stale`;
    try {
      renameSync(file, aside);
    } catch {
      continue;
    }
    if (read(aside) === text) onNote?.(`Took over ${shown}: the batch that held it (pid ${holder.pid}, started ${holder.started}) is no longer running.`);
    else create(file, read(aside) ?? "");
    rmSync(aside, { force: true });
  }
  throw new LockedError(`Could not take ${shown}: other batches keep taking it. Run one batch at a time on one output folder.`);
}

/** Creates `file` holding `text`, unless it exists. */
function create(file: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

function release(file: string, mine: string): void {
  if (read(file) === mine) rmSync(file, { force: true });
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function parse(text: string): Holder | undefined {
  try {
    const holder = JSON.parse(text) as Holder;
    return Number.isSafeInteger(holder.pid) && holder.pid > 0 ? holder : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the holder may still be running. On another machine there is no telling: assume so. */
function alive(holder: Holder): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
