/**
 * Staging hostile or careless submissions (no grading): archives and folders may hold only regular
 * files and folders, at paths inside them, within the limits; anything else is refused with a
 * SubmissionError that says what it found and what to do, before any of it is read, followed or
 * created. These reproduce crashes seen in batches: a FIFO in a .tar.gz, a FIFO named *.ts in a
 * folder (a hang), a symbolic link to /dev/zero (GBs of memory in seconds), a 515 KB zip bomb.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Budget, SubmissionError, type Limits } from "../../grader/instructor/contents.js";
import { stageSubmission } from "../../grader/instructor/submissions.js";
import { filesOf, tarGz, understate, zip, type TarEntry } from "./archives.js";
import { makeSubmissions } from "./make-submissions.js";

const LAB = "01-fallacies";
let dir: string;
let reference: string;
let lab: TarEntry[];
let n = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "submissions-test-"));
  [reference] = makeSubmissions(join(dir, "subs"), (name) => name === "reference") as [string];
  lab = filesOf(join(reference, "labs", LAB), `labs/${LAB}/`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `bytes` as a submission file named `name`. */
function file(name: string, bytes: Buffer): string {
  const path = join(dir, `${n++}`, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, bytes);
  return path;
}

/** A copy of the reference submission folder, for `change` to spoil. */
function folder(change: (labDir: string) => void): string {
  const path = join(dir, `${n++}`, "ada");
  cpSync(reference, path, { recursive: true });
  change(join(path, "labs", LAB));
  return path;
}

/** Stages `submission`, expecting a refusal; returns its message. */
async function refused(submission: string, limits?: Limits): Promise<string> {
  const root = join(dir, `stage-${n++}`);
  try {
    await stageSubmission(submission, LAB, root, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(SubmissionError);
    // Nothing was staged for the grader to load, and nothing but files and folders was unpacked.
    expect(existsSync(join(root, "labs"))).toBe(false);
    const special = (readdirSync(root, { recursive: true }) as string[]).filter((name) => {
      const stats = lstatSync(join(root, name));
      return !stats.isFile() && !stats.isDirectory();
    });
    expect(special).toEqual([]);
    return (error as Error).message;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  throw new Error(`${submission} was staged, not refused`);
}

/** Bytes of every file under `root`. */
function bytesUnder(root: string): number {
  if (!existsSync(root)) return 0;
  let total = 0;
  for (const name of readdirSync(root, { recursive: true }) as string[]) {
    const stats = lstatSync(join(root, name));
    if (stats.isFile()) total += stats.size;
  }
  return total;
}

describe("staging a submission", () => {
  it("unpacks a .zip and a .tar.gz holding the lab folder, and stages a folder", async () => {
    const zipped = file("ada.zip", zip(lab.map((e) => ({ name: `ada/${e.path}`, data: e.data as Buffer }))));
    const tarred = file("bob.tar.gz", tarGz([{ path: "./", type: "Directory" }, { path: "labs/", type: "Directory" }, ...lab]));
    for (const submission of [zipped, tarred, reference]) {
      const root = join(dir, `stage-${n++}`);
      const staged = await stageSubmission(submission, LAB, root);
      expect(readdirSync(staged.implDir).sort()).toEqual(lab.map((e) => e.path.split("/").at(-1)).sort());
      // Plain permissions, whatever the archive said.
      expect(statSync(join(staged.implDir, "index.ts")).mode & 0o7777).toBe(0o644);
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("refuses a .tar.gz holding a FIFO, every time (it crashed the batch, and crashed it again on rerun)", async () => {
    const fifo = file("fifo.tar.gz", tarGz([...lab, { path: `labs/${LAB}/evil.ts`, type: "FIFO" }]));
    const message = `fifo.tar.gz holds a named pipe (FIFO) at labs/${LAB}/evil.ts; a submission may hold only regular files and folders: remove it and grade it again`;
    expect(await refused(fifo)).toBe(message);
    expect(await refused(fifo)).toBe(message);
  });

  it("refuses links and devices in a .tar.gz, without creating them", async () => {
    const cases: [TarEntry, string][] = [
      [{ path: `labs/${LAB}/zero.ts`, type: "SymbolicLink", linkpath: "/dev/zero" }, `holds a symbolic link (labs/${LAB}/zero.ts -> /dev/zero); a submission may hold only regular files and folders: put a copy of the file itself in its place (or remove it) and grade it again`],
      [{ path: `labs/${LAB}/passwd.ts`, type: "Link", linkpath: "/etc/passwd" }, `holds a hard link (labs/${LAB}/passwd.ts -> /etc/passwd)`],
      [{ path: `labs/${LAB}/tty.ts`, type: "CharacterDevice" }, `holds a device at labs/${LAB}/tty.ts`],
      [{ path: `labs/${LAB}/disk`, type: "BlockDevice" }, `holds a device at labs/${LAB}/disk`],
    ];
    for (const [entry, message] of cases) {
      // The bad entry first, then a file whose folder it would have been written through.
      expect(await refused(file("bad.tar.gz", tarGz([entry, ...lab])))).toContain(`bad.tar.gz ${message}`);
    }
  });

  it("refuses links, FIFOs and devices in a .zip (by their Unix mode bits)", async () => {
    const cases: [number, string, string][] = [
      [0o120777, "/dev/zero", `holds a symbolic link (ada/labs/${LAB}/zero.ts -> /dev/zero)`],
      [0o010644, "", `holds a named pipe (FIFO) at ada/labs/${LAB}/zero.ts`],
      [0o020644, "", `holds a device at ada/labs/${LAB}/zero.ts`],
      [0o140644, "", `holds a socket at ada/labs/${LAB}/zero.ts`],
    ];
    for (const [mode, data, message] of cases) {
      const archive = zip([...lab.map((e) => ({ name: `ada/${e.path}`, data: e.data as Buffer })), { name: `ada/labs/${LAB}/zero.ts`, data, mode }]);
      expect(await refused(file("bad.zip", archive))).toContain(`bad.zip ${message}; a submission may hold only regular files and folders`);
    }
  });

  it("refuses paths that leave the archive, and writes nothing outside it", async () => {
    const outside = join(dir, "escaped.ts");
    for (const path of ["../escaped.ts", `labs/${LAB}/../../../escaped.ts`, outside]) {
      expect(await refused(file("up.tar.gz", tarGz([...lab, { path, data: "x" }])))).toBe(`up.tar.gz holds a path that leaves it (${path}): an archive may hold only relative paths, without "..", so it was not graded`);
      expect(await refused(file("up.zip", zip([...lab.map((e) => ({ name: e.path, data: e.data as Buffer })), { name: path, data: "x" }])))).toContain(`up.zip holds a path that leaves it (${path})`);
    }
    expect(await refused(file("win.zip", zip([{ name: "C:\\Windows\\evil.ts", data: "x" }])))).toContain("win.zip holds a path that leaves it");
    expect(existsSync(outside)).toBe(false);
  });

  it("refuses a zip bomb before inflating it, and one whose headers lie once it inflates past them", async () => {
    const limits = { maxBytes: 1024 * 1024, maxEntries: 100 };
    const zeros = Buffer.alloc(4 * 1024 * 1024);
    const bomb = file("bomb.zip", zip([...lab.map((e) => ({ name: e.path, data: e.data as Buffer })), { name: `labs/${LAB}/zeros.txt`, data: zeros }]));
    expect(statSync(bomb).size).toBeLessThan(20_000);
    expect(await refused(bomb, limits)).toBe("bomb.zip unpacks to more than 1 MB, the limit for a submission; a lab folder is far smaller: leave out node_modules, build output and data files, then grade it again");
    // Headers that claim 100 bytes: yauzl stops the stream when it inflates past them.
    const liar = file("liar.zip", understate(zip([{ name: "zeros.txt", data: zeros }]), 100));
    const root = join(dir, `stage-${n++}`);
    await expect(stageSubmission(liar, LAB, root, limits)).rejects.toThrow(/^liar\.zip cannot be unzipped \(too many bytes in the stream.*\): it is damaged or not a zip archive; ask for it again$/);
    expect(bytesUnder(root)).toBeLessThanOrEqual(100);
    rmSync(root, { recursive: true, force: true });
  });

  it("refuses an archive with too many entries or bytes, writing nothing past the cap", async () => {
    const limits = { maxBytes: 64 * 1024, maxEntries: 20 };
    const many = Array.from({ length: 21 }, (_, i) => ({ path: `labs/${LAB}/f${i}.ts`, data: "export {};\n" }));
    expect(await refused(file("many.zip", zip(many.map((e) => ({ name: e.path, data: e.data })))), limits)).toBe(
      "many.zip holds 21 files and folders, more than the 20 a submission may hold; a lab folder is far smaller: leave out node_modules, build output and data files, then grade it again",
    );
    expect(await refused(file("many.tar.gz", tarGz(many)), limits)).toBe(
      "many.tar.gz holds more than 20 files and folders, the limit for a submission; a lab folder is far smaller: leave out node_modules, build output and data files, then grade it again",
    );
    const root = join(dir, `stage-${n++}`);
    const big = file("big.tar.gz", tarGz([...lab, { path: `labs/${LAB}/big.bin`, data: Buffer.alloc(100 * 1024, 1) }]));
    await expect(stageSubmission(big, LAB, root, limits)).rejects.toThrow("big.tar.gz unpacks to more than 0.0625 MB");
    expect(bytesUnder(root)).toBeLessThanOrEqual(limits.maxBytes);
    rmSync(root, { recursive: true, force: true });
    // Under the cap, but no code compresses a thousandfold.
    const zeros = file("zeros.tar.gz", tarGz([{ path: `labs/${LAB}/zeros.bin`, data: Buffer.alloc(49 * 1024 * 1024) }]));
    expect(await refused(zeros)).toMatch(/^zeros\.tar\.gz inflates more than a thousandfold \(max decompression ratio exceeded: .*\), as an archive bomb does and code never does: ask for the lab folder again$/);
  });

  it("counts the bytes it writes against the cap, whatever the headers claimed", async () => {
    const budget = new Budget("x.zip", { maxBytes: 1000, maxEntries: 10 });
    let passed = 0;
    const sink = new PassThrough().on("data", (chunk: Buffer) => (passed += chunk.length));
    await expect(pipeline(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), budget.meter(), sink)).rejects.toThrow("x.zip unpacks to more than");
    expect(passed).toBe(600);
  });

  it("refuses damaged archives, duplicate entries and what is neither a folder nor an archive", async () => {
    expect(await refused(file("junk.zip", Buffer.from("not a zip at all")))).toMatch(/^junk\.zip cannot be unzipped \(.*\): it is damaged or not a zip archive; ask for it again$/);
    expect(await refused(file("junk.tar.gz", Buffer.from("not a tarball")))).toMatch(/^junk\.tar\.gz cannot be unpacked \(.*\): it is damaged or not a \.tar\.gz; ask for it again$/);
    const good = tarGz(lab);
    expect(await refused(file("cut.tar.gz", good.subarray(0, good.length - 40)))).toMatch(/^cut\.tar\.gz cannot be unpacked/);
    const twice = zip([...lab.map((e) => ({ name: e.path, data: e.data as Buffer })), { name: `labs/${LAB}//index.ts`, data: "x" }]);
    expect(await refused(file("twice.zip", twice))).toMatch(/^twice\.zip holds two entries at one path \(labs\/01-fallacies\/index\.ts, EEXIST\): ask for the archive again$/);
    const fifo = join(dir, `${n++}`, "pipe.zip");
    mkdirSync(join(fifo, ".."));
    execFileSync("mkfifo", [fifo]);
    expect(await refused(fifo)).toBe("pipe.zip is neither a folder nor a file (a named pipe or a device?): name the submission's folder or archive");
  });

  it("refuses a folder holding a FIFO named *.ts without reading it (it hung the batch)", async () => {
    const submission = folder((labDir) => execFileSync("mkfifo", [join(labDir, "evil.ts")]));
    expect(await refused(submission)).toBe(`ada holds a named pipe (FIFO) at labs/${LAB}/evil.ts; a submission may hold only regular files and folders: remove it and grade it again`);
  }, 10_000);

  it("refuses a folder holding a symbolic link (to /dev/zero, it grew the batch to 3.7 GB in 3 s), a socket, or too much", async () => {
    const zero = folder((labDir) => symlinkSync("/dev/zero", join(labDir, "zero.ts")));
    expect(await refused(zero)).toBe(`ada holds a symbolic link (labs/${LAB}/zero.ts -> /dev/zero); a submission may hold only regular files and folders: put a copy of the file itself in its place (or remove it) and grade it again`);
    const index = folder((labDir) => {
      rmSync(join(labDir, "index.ts"));
      symlinkSync("/dev/zero", join(labDir, "index.ts"));
    });
    expect(await refused(index)).toContain(`holds a symbolic link (labs/${LAB}/index.ts -> /dev/zero)`);
    const socketPath = join(dir, `${n++}`, "ada");
    cpSync(reference, socketPath, { recursive: true });
    const server = createServer();
    await new Promise<void>((done) => server.listen(join(socketPath, "labs", LAB, "s.sock"), done));
    try {
      expect(await refused(socketPath)).toContain(`holds a socket at labs/${LAB}/s.sock`);
    } finally {
      server.close();
    }
    const big = folder((labDir) => writeFileSync(join(labDir, "data.bin"), Buffer.alloc(70 * 1024)));
    expect(await refused(big, { maxBytes: 64 * 1024, maxEntries: 100 })).toContain("ada holds more than 0.0625 MB");
    // node_modules is neither checked nor staged; a hard link is a regular file.
    const fine = folder((labDir) => {
      mkdirSync(join(labDir, "node_modules"));
      symlinkSync("/dev/zero", join(labDir, "node_modules", "zero"));
      linkSync(join(labDir, "index.ts"), join(labDir, "again.ts"));
    });
    const root = join(dir, `stage-${n++}`);
    const staged = await stageSubmission(fine, LAB, root);
    expect(existsSync(join(staged.implDir, "node_modules"))).toBe(false);
    rmSync(root, { recursive: true, force: true });
  });
});
