/**
 * Unpacks a .zip submission with yauzl, within the rules of contents.ts. yauzl reads the central
 * directory one entry at a time (lazyEntries), streams each file (never the whole archive in memory),
 * and fails a stream that inflates to more than its header declared; the header's size is counted
 * against the limits before a byte is inflated, and the bytes written are counted again as they go.
 * Unix mode bits tell links, pipes and devices apart from files: those are refused, never created.
 */
import { createWriteStream, mkdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { getFileNameLowLevel, openPromise, type Entry, type ZipFile } from "yauzl";
import { Budget, LIMITS, SubmissionError, type Kind, type Limits } from "./contents.js";

export async function extractZip(file: string, into: string, limits: Limits = LIMITS): Promise<void> {
  const subject = basename(file);
  let zip: ZipFile;
  try {
    // decodeStrings: false, so that every path goes through the same check as a .tar.gz's (contents.ts).
    zip = await openPromise(file, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false });
  } catch (error) {
    throw damaged(subject, error);
  }
  let current = "";
  try {
    const budget = new Budget(subject, limits);
    budget.claims(zip.entryCount);
    for await (const entry of zip.eachEntry()) {
      const name = getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
      const kind = kindOf(entry, name);
      const target = kind === "symbolic link" ? await linkTarget(zip, entry) : undefined;
      const path = budget.admit({ path: name, kind, size: entry.uncompressedSize, ...(target !== undefined ? { target } : {}) });
      if (path === "") continue;
      current = path;
      const out = join(into, path);
      if (kind === "folder") {
        mkdirSync(out, { recursive: true });
        continue;
      }
      if (entry.isEncrypted()) throw new SubmissionError(`${subject}: ${path} is encrypted: ask for the archive again without a password`);
      if (!entry.canDecodeFileData()) throw new SubmissionError(`${subject}: ${path} uses zip compression method ${entry.compressionMethod}, which cannot be read: ask for the archive again, made with deflate (every zip tool's default)`);
      mkdirSync(dirname(out), { recursive: true });
      // "wx": a second entry with the same name is refused rather than written over the first.
      await pipeline(await zip.openReadStreamPromise(entry), budget.meter(), createWriteStream(out, { flags: "wx", mode: 0o644 }));
    }
  } catch (error) {
    if (error instanceof SubmissionError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST" || code === "ENOTDIR" || code === "EISDIR") {
      throw new SubmissionError(`${subject} holds two entries at one path (${current}, ${code}): ask for the archive again`);
    }
    // yauzl's own errors carry no code: the archive is damaged or lies about itself. Anything with a
    // code (a full disk, say) is this machine's problem, not the submission's.
    if (code === undefined) throw damaged(subject, error);
    throw error;
  } finally {
    zip.close();
  }
}

const S_IFMT = 0o170000;
const TYPES: Record<number, Kind> = {
  0o100000: "file",
  0o040000: "folder",
  0o120000: "symbolic link",
  0o010000: "named pipe (FIFO)",
  0o020000: "device",
  0o060000: "device",
  0o140000: "socket",
};

/** From the Unix mode bits when the archive was made on Unix or macOS, else from the name. */
function kindOf(entry: Entry, name: string): Kind {
  const madeBy = entry.versionMadeBy >> 8;
  const type = madeBy === 3 || madeBy === 19 ? (entry.externalFileAttributes >>> 16) & S_IFMT : 0;
  if (type === 0 || type === 0o100000) return name.endsWith("/") ? "folder" : "file";
  return TYPES[type] ?? `Unix type 0o${type.toString(8)} entry`;
}

/** A link's target, for the message (its entry's content; at most 1 KB is read). */
async function linkTarget(zip: ZipFile, entry: Entry): Promise<string> {
  if (entry.isEncrypted() || !entry.canDecodeFileData() || entry.uncompressedSize > 1024) return "?";
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  } catch {
    return "?";
  }
}

function damaged(subject: string, error: unknown): SubmissionError {
  return new SubmissionError(`${subject} cannot be unzipped (${(error as Error).message}): it is damaged or not a zip archive; ask for it again`);
}
