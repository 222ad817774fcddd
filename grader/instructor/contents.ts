/**
 * What a submission may hold, whatever it arrives as (a folder, a .zip, a .tar.gz): regular files and
 * folders, at paths inside it, at most LIMITS of them. Anything else is refused, never followed or
 * created: a symbolic link can point the grader at /dev/zero or outside the submission, reading a named
 * pipe blocks forever, and a device is not code. The limits keep a zip bomb or a folder of data files
 * from filling the disk or the grader's memory.
 */
import { lstatSync, readdirSync, readlinkSync, type Stats } from "node:fs";
import { join, posix, relative, sep } from "node:path";
import { Transform } from "node:stream";

/** Thrown when a submission cannot be staged: the batch records it (status not-found) and goes on. */
export class SubmissionError extends Error {}

export interface Limits {
  /** Bytes of file content, all files together. */
  maxBytes: number;
  /** Files and folders. */
  maxEntries: number;
}

/** A lab folder is a few hundred kilobytes in a few dozen files; these leave room for far more. */
export const LIMITS: Limits = { maxBytes: 50 * 1024 * 1024, maxEntries: 5000 };

/** What an entry is: "file" and "folder" are accepted; anything else names what was refused. */
export type Kind = "file" | "folder" | "symbolic link" | "hard link" | "named pipe (FIFO)" | "device" | "socket" | `${string} entry`;

export interface Entry {
  /** As the archive or folder spells it, "/"-separated. */
  path: string;
  kind: Kind;
  /** Bytes of content (files only). */
  size: number;
  /** Where a link points, for the message. */
  target?: string;
}

const ONLY = "a submission may hold only regular files and folders";
const SMALLER = "a lab folder is far smaller: leave out node_modules, build output and data files, then grade it again";

/** Counts a submission's entries against the limits and refuses what it may not hold. */
export class Budget {
  private entries = 0;
  private bytes = 0;
  private written = 0;

  /** `subject` names the submission in messages, e.g. "ada.zip"; `verb` says how it has its size. */
  constructor(
    private readonly subject: string,
    private readonly limits: Limits = LIMITS,
    private readonly verb: "unpacks to" | "holds" = "unpacks to",
  ) {}

  /**
   * Admits one entry, or throws a SubmissionError that says why not. Returns its path, normalised and
   * relative ("" for the top folder itself).
   */
  admit(entry: Entry): string {
    const path = insidePath(entry.path);
    if (path === undefined) {
      throw new SubmissionError(`${this.subject} holds a path that leaves it (${entry.path}): an archive may hold only relative paths, without "..", so it was not graded`);
    }
    if (entry.kind !== "file" && entry.kind !== "folder") {
      const link = entry.kind === "symbolic link" || entry.kind === "hard link";
      const where = link ? `(${path} -> ${entry.target ?? "?"})` : `at ${path}`;
      const fix = link ? "put a copy of the file itself in its place (or remove it)" : "remove it";
      throw new SubmissionError(`${this.subject} holds ${article(entry.kind)} ${entry.kind} ${where}; ${ONLY}: ${fix} and grade it again`);
    }
    if (++this.entries > this.limits.maxEntries) {
      throw new SubmissionError(`${this.subject} holds more than ${this.limits.maxEntries} files and folders, the limit for a submission; ${SMALLER}`);
    }
    this.bytes += entry.size;
    if (this.bytes > this.limits.maxBytes) this.tooBig();
    return path;
  }

  /** Refuses an archive that claims more entries than the limit, before reading any of them. */
  claims(entries: number): void {
    if (entries > this.limits.maxEntries) {
      throw new SubmissionError(`${this.subject} holds ${entries} files and folders, more than the ${this.limits.maxEntries} a submission may hold; ${SMALLER}`);
    }
  }

  /**
   * A pass-through stream that counts the bytes actually written against the limit, whatever the
   * archive's headers claimed: nothing is written past the cap.
   */
  meter(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _encoding, done) => {
        this.written += chunk.length;
        if (this.written > this.limits.maxBytes) {
          try {
            this.tooBig();
          } catch (error) {
            done(error as Error);
            return;
          }
        }
        done(null, chunk);
      },
    });
  }

  private tooBig(): never {
    throw new SubmissionError(`${this.subject} ${this.verb} more than ${this.limits.maxBytes / (1024 * 1024)} MB, the limit for a submission; ${SMALLER}`);
  }
}

/**
 * Checks a folder before anything reads it (node_modules aside: staging leaves it out): regular files
 * and folders only, within the limits. `top` is where paths in messages start from.
 */
export function checkFolder(folder: string, subject: string, top: string = folder, limits: Limits = LIMITS): void {
  const budget = new Budget(subject, limits, "holds");
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EACCES" && code !== "EPERM") throw error;
      throw new SubmissionError(`${subject}: ${relative(top, dir) || "its top folder"} cannot be read (${code}): make it readable and grade it again`);
    }
    for (const name of names) {
      if (name === "node_modules") continue;
      const path = join(dir, name);
      const shown = relative(top, path).split(sep).join("/");
      const stats = lstatSync(path);
      const kind = kindOf(stats);
      budget.admit({ path: shown, kind, size: stats.isFile() ? stats.size : 0, ...(stats.isSymbolicLink() ? { target: readlinkSync(path) } : {}) });
      if (kind === "folder") walk(path);
    }
  };
  walk(folder);
}

function kindOf(stats: Stats): Kind {
  if (stats.isFile()) return "file";
  if (stats.isDirectory()) return "folder";
  if (stats.isSymbolicLink()) return "symbolic link";
  if (stats.isFIFO()) return "named pipe (FIFO)";
  if (stats.isSocket()) return "socket";
  return "device";
}

/** The path normalised and relative, or undefined when it is absolute or has a ".." part. */
function insidePath(raw: string): string | undefined {
  const path = raw.replace(/\\/g, "/");
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path) || path.split("/").includes("..")) return undefined;
  const normal = posix.normalize(path).replace(/\/+$/, "");
  return normal === "." ? "" : normal;
}

function article(kind: string): string {
  return /^[aeiou]/.test(kind) ? "an" : "a";
}

