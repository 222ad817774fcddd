/**
 * A lab folder graded away from the course (a submission unpacked into ~/submissions/ada/, a copy in
 * /tmp) lacks two things the course layout gives it: a package.json saying its .ts files are ES
 * modules, and the grader two levels up for its `../../grader/...` imports. Such a folder is graded
 * from a staged copy laid out like the course: `<stage>/labs/<lab>/`, `<stage>/grader` linking to this
 * grader, `<stage>/package.json`. Batch grading stages every submission the same way.
 */
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative, resolve, sep } from "node:path";
import { REPO_ROOT } from "./typecheck.js";

export interface StagedLab {
  /** The stage's root: the copy's only readable surroundings. */
  root: string;
  /** The copy of the lab folder (what the grader loads). */
  implDir: string;
  /** A folder inside the stage that graded code may write to. */
  scratch: string;
}

/** Copies `folder` into `root` (created) laid out like the course. Regular files and folders only. */
export function stageLabFolder(folder: string, lab: string, root: string): StagedLab {
  const implDir = join(root, "labs", lab);
  mkdirSync(join(root, "labs"), { recursive: true });
  // A symbolic link could point the grading workers anywhere; node_modules is not the learner's code.
  cpSync(folder, implDir, { recursive: true, filter: (from) => !lstatSync(from).isSymbolicLink() && basename(from) !== "node_modules" });
  writeFileSync(join(root, "package.json"), `${JSON.stringify({ private: true, type: "module" })}\n`);
  symlinkSync(join(REPO_ROOT, "grader"), join(root, "grader"), "dir");
  const scratch = join(root, "tmp");
  mkdirSync(scratch);
  return { root, implDir, scratch };
}

/** Whether `folder` must be staged to load: it is outside the course and has no grader two levels up. */
export function needsStaging(folder: string): boolean {
  const dir = resolve(folder);
  const inCourse = dir === REPO_ROOT || dir.startsWith(REPO_ROOT + sep);
  return !inCourse && existsSync(join(dir, "index.ts")) && !existsSync(join(dir, "..", "..", "grader"));
}

/** A staged copy of `folder` for one grading run, and how to speak of it as the original again. */
export function stageForRun(folder: string, lab: string): { implDir: string; original(text: string): string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), "ds-lab-"));
  const staged = stageLabFolder(folder, lab, root);
  const pairs: [string, string][] = [
    // The relative form first: it contains the absolute one.
    [relative(process.cwd(), staged.implDir), relative(process.cwd(), resolve(folder)) || "."],
    [staged.implDir, resolve(folder)],
  ];
  return {
    implDir: staged.implDir,
    original: (text) => pairs.reduce((t, [from, to]) => t.replaceAll(from, to), text),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
