/**
 * Zip archives the course writes itself (the Gradescope autograder), on fflate, and reading them back
 * in the course's own tests. Submissions are never read with this: unzip.ts reads them, with limits
 * and refusals.
 */
import { unzipSync, zipSync, type Zippable } from "fflate";

export interface ZipEntry {
  /** Path inside the archive, with "/" separators; folders end in "/". */
  name: string;
  data: Buffer;
  /** Unix permission bits (e.g. 0o755 for scripts). Written, not read back. */
  mode?: number;
}

/** A fixed timestamp, so the same input gives the same bytes. */
const MTIME = new Date(2020, 0, 1);
const UNIX = 3;

/** Writes a zip archive (deflated entries, Unix mode bits). */
export function writeZip(entries: ZipEntry[]): Buffer {
  const files: Zippable = {};
  for (const entry of entries) {
    const folder = entry.name.endsWith("/");
    const mode = (folder ? 0o040000 : 0o100000) | (entry.mode ?? (folder ? 0o755 : 0o644));
    files[entry.name] = [folder ? new Uint8Array(0) : entry.data, { os: UNIX, attrs: (mode << 16) >>> 0, mtime: MTIME }];
  }
  const zip = zipSync(files);
  return Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
}

/** Reads every entry of an archive this course wrote (in memory, without limits: trusted input only). */
export function readZip(zip: Buffer): ZipEntry[] {
  return Object.entries(unzipSync(zip)).map(([name, data]) => ({ name, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) }));
}
