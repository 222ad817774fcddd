/**
 * A lab folder graded away from `labs/` (a submission unpacked into ~/submissions/ada/ or into the
 * course's own submissions/, a copy in /tmp, a learner's fork) lacks what the course layout gives it:
 * a package.json saying its .ts files are ES modules, and this grader two levels up for its
 * `../../grader/...` imports. Such a folder is graded
 * from a staged copy laid out like the course: `<stage>/labs/<lab>/`, `<stage>/grader` linking to this
 * grader, `<stage>/package.json`. Batch grading stages every submission the same way.
 */
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { realpathOf, REPO_ROOT } from "./typecheck.js";

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

/**
 * Whether `folder` must be staged to load. A folder outside the course is, unless it is already laid
 * out like one around this grader (a stage): a `grader` two levels up, if any, is another copy (a
 * learner's fork, the student export), and no package.json says its files are ES modules. A folder
 * inside the course is graded in place unless its imports of the grader miss this grader: a
 * submission kept in `submissions/ada/labs/02-mapreduce/` imports `../../grader/...` as it did at
 * home, which from there is no folder at all.
 */
export function needsStaging(folder: string): boolean {
  const dir = resolve(folder);
  // Without an entry file nothing is loaded; the grader says what is missing about the folder itself.
  if (!existsSync(join(dir, "index.ts"))) return false;
  const inCourse = dir === REPO_ROOT || dir.startsWith(REPO_ROOT + sep);
  if (inCourse) return graderImportsMiss(dir);
  return !(realpathOf(join(dir, "..", "..", "grader")) === realpathOf(GRADER) && existsSync(join(dir, "..", "..", "package.json")));
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"'\n]*\bgrader\/[^"'\n]*)["']/g;
const GRADER = join(REPO_ROOT, "grader");

/** Some relative import in `dir` names a `grader/` path that is not inside this course's grader. */
function graderImportsMiss(dir: string): boolean {
  const walk = (at: string): boolean =>
    readdirSync(at, { withFileTypes: true }).some((item) => {
      const path = join(at, item.name);
      if (item.isDirectory()) return item.name !== "node_modules" && !item.name.startsWith(".") && walk(path);
      if (!/\.(ts|mts|js|mjs)$/.test(item.name)) return false;
      for (const [, specifier] of readFileSync(path, "utf8").matchAll(SPECIFIER)) {
        const target = resolve(dirname(path), specifier as string);
        if (!target.startsWith(GRADER + sep)) return true;
      }
      return false;
    });
  return walk(dir);
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
