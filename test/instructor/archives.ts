/**
 * Archives for the tests, made here rather than checked in: .tar.gz with the `tar` package's header
 * encoder (so an entry can be any type: a FIFO, a device, a link), .zip with fflate (Unix mode bits
 * say what an entry is), and a zip whose headers understate an entry's size, as a zip bomb's would.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { zipSync, type Zippable } from "fflate";
import { Header, type HeaderData } from "tar";

export interface TarEntry {
  path: string;
  type?: NonNullable<HeaderData["type"]>;
  data?: Buffer | string;
  linkpath?: string;
  /** The size the header claims (default: the data's). */
  size?: number;
}

/** A .tar.gz of these entries, as they are: nothing is checked or fixed up. */
export function tarGz(entries: TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const data = Buffer.from(entry.data ?? "");
    const header = Buffer.alloc(512);
    const type = entry.type ?? (entry.path.endsWith("/") ? "Directory" : "File");
    new Header({ path: entry.path, type, size: entry.size ?? data.length, mode: type === "Directory" ? 0o755 : 0o644, mtime: new Date(0), uid: 0, gid: 0, ...(entry.linkpath ? { linkpath: entry.linkpath } : {}) }).encode(header, 0);
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

export interface ZipFixtureEntry {
  name: string;
  data?: Buffer | string;
  /** Unix file type and permission bits, e.g. 0o120777 for a symbolic link. */
  mode?: number;
}

/** A .zip of these entries, made on "Unix" so that their mode bits count. */
export function zip(entries: ZipFixtureEntry[]): Buffer {
  const files: Zippable = {};
  for (const entry of entries) {
    const mode = entry.mode ?? (entry.name.endsWith("/") ? 0o040755 : 0o100644);
    files[entry.name] = [Buffer.from(entry.data ?? ""), { os: 3, attrs: (mode << 16) >>> 0 }];
  }
  return Buffer.from(zipSync(files));
}

/** Rewrites every size field of a one-entry zip to `claimed` (headers that lie, as a bomb's do). */
export function understate(archive: Buffer, claimed: number): Buffer {
  const out = Buffer.from(archive);
  for (let at = 0; at + 4 <= out.length; at++) {
    const signature = out.readUInt32LE(at);
    if (signature === 0x04034b50) out.writeUInt32LE(claimed, at + 22);
    if (signature === 0x02014b50) out.writeUInt32LE(claimed, at + 24);
  }
  return out;
}

/** Every file under `dir` as tar entries under `prefix` (folders implied). */
export function filesOf(dir: string, prefix: string): TarEntry[] {
  const entries: TarEntry[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else entries.push({ path: `${prefix}${relative(dir, path)}`, data: readFileSync(path) });
    }
  };
  walk(dir);
  return entries;
}
