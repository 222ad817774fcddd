/**
 * Unpacks a .tar.gz submission with the npm `tar` package, within the rules of contents.ts. Its filter
 * sees each entry's header before any of its content is written: an entry that is not a regular file
 * or a folder, a path that leaves the archive, or one entry too many or too large stops the whole
 * extraction there (a tar body is exactly as long as its header says, so nothing past the cap is
 * written), and tar stops a stream that inflates more than a thousandfold. Owners and permission bits
 * are not taken from the archive.
 */
import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { Unpack, type ReadEntry } from "tar";
import { Budget, LIMITS, SubmissionError, type Kind, type Limits } from "./contents.js";

const KINDS: Partial<Record<string, Kind>> = {
  File: "file",
  OldFile: "file",
  ContiguousFile: "file",
  Directory: "folder",
  SymbolicLink: "symbolic link",
  Link: "hard link",
  FIFO: "named pipe (FIFO)",
  CharacterDevice: "device",
  BlockDevice: "device",
};

export async function extractTarGz(file: string, into: string, limits: Limits = LIMITS): Promise<void> {
  const subject = basename(file);
  const budget = new Budget(subject, limits);
  let refusal: SubmissionError | undefined;
  const unpack = new Unpack({
    cwd: into,
    strict: true,
    preserveOwner: false,
    noMtime: true,
    filter: (_path, entry) => {
      const read = entry as ReadEntry;
      if (refusal !== undefined) return false;
      try {
        const path = budget.admit({ path: read.path, kind: KINDS[read.type] ?? `${read.type} entry`, size: read.size ?? 0, ...(read.linkpath ? { target: read.linkpath } : {}) });
        // Plain permissions: nothing setuid, nothing the grader cannot read.
        read.mode = read.type === "Directory" ? 0o755 : 0o644;
        return path !== "";
      } catch (error) {
        refusal = error as SubmissionError;
        unpack.abort(refusal);
        return false;
      }
    },
  });
  try {
    await new Promise<void>((done, fail) => {
      const input = createReadStream(file);
      const stop = (error: Error) => {
        input.destroy();
        fail(error);
      };
      input.on("error", stop);
      unpack.on("error", stop);
      unpack.on("close", () => done());
      input.pipe(unpack as unknown as NodeJS.WritableStream);
    });
  } catch (error) {
    if (refusal !== undefined) throw refusal;
    const message = (error as Error).message;
    if (/decompression ratio/.test(message)) {
      throw new SubmissionError(`${subject} inflates more than a thousandfold (${message}), as an archive bomb does and code never does: ask for the lab folder again`);
    }
    const code = (error as NodeJS.ErrnoException).code;
    // tar's own errors (TAR_*, and zlib's Z_* for a damaged gzip stream) are about the archive;
    // others (a full disk, say) are this machine's problem, not the submission's.
    if (code === undefined || code.startsWith("TAR_") || code.startsWith("Z_")) {
      throw new SubmissionError(`${subject} cannot be unpacked (${message}): it is damaged or not a .tar.gz; ask for it again`);
    }
    throw error;
  }
  if (refusal !== undefined) throw refusal;
}
