/**
 * Submissions as instructors receive them: a folder, a .zip or a .tar.gz that holds a learner's lab
 * folder somewhere inside. Each is staged into a temporary folder laid out like the course
 * (`<stage>/labs/<lab>/`, with `<stage>/grader` pointing at the grader), so the learner's relative
 * imports resolve as they did at home, and the grading workers may read that folder and nothing else
 * of the learner's world. Archives are unpacked, and folders checked, before anything reads a file of
 * them: regular files and folders only, within limits (contents.ts).
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { stageLabFolder } from "../runner/stage.js";
import { checkFolder, LIMITS, SubmissionError, type Limits } from "./contents.js";
import { extractTarGz } from "./untar.js";
import { extractZip } from "./unzip.js";

export { SubmissionError } from "./contents.js";

/** A submission's id: its file or folder name without the archive extension. */
export function submissionId(path: string): string {
  return basename(resolve(path)).replace(/\.(zip|tar\.gz|tgz)$/i, "");
}

export interface Staged {
  /** The staged copy of the learner's lab folder (what the grader loads). */
  implDir: string;
  /** The stage's root: the workers may read it. */
  root: string;
  /** The one folder the workers may write to. */
  scratch: string;
  /** Where the lab folder was found inside the submission, for messages ("." for the top). */
  foundAt: string;
  /**
   * Relative imports that leave the lab folder for anywhere but the grader, e.g. `index.ts imports
   * "../../index.js"`: they cannot resolve once the folder is graded on its own.
   */
  escapingImports: string[];
}

/**
 * Stages `submission` for `lab` into `root` (created; removed by the caller). A submission that
 * cannot be graded (no lab folder, a damaged archive, a link, too large) throws a SubmissionError.
 */
export async function stageSubmission(submission: string, lab: string, root: string, limits: Limits = LIMITS): Promise<Staged> {
  const source = resolve(submission);
  const subject = basename(source);
  if (!existsSync(source)) throw new SubmissionError(`${submission} does not exist`);
  // The path the instructor named may be a link (their own); what it leads to must be a folder or a file.
  const stats = statSync(source);
  mkdirSync(root, { recursive: true });
  let unpacked = source;
  if (stats.isFile()) {
    unpacked = join(root, "upload");
    mkdirSync(unpacked);
    if (/\.zip$/i.test(source)) await extractZip(source, unpacked, limits);
    else if (/\.(tar\.gz|tgz)$/i.test(source)) await extractTarGz(source, unpacked, limits);
    else throw new SubmissionError(`${subject} is neither a folder, a .zip nor a .tar.gz`);
  } else if (!stats.isDirectory()) {
    throw new SubmissionError(`${subject} is neither a folder nor a file (a named pipe or a device?): name the submission's folder or archive`);
  }
  const found = findLabFolder(unpacked, lab);
  checkFolder(found, subject, unpacked, limits);
  const escapingImports = importsLeaving(found);
  const { implDir, scratch } = stageLabFolder(found, lab, root);
  if (unpacked !== source) rmSync(unpacked, { recursive: true, force: true });
  return { implDir, root, scratch, foundAt: relative(unpacked, found) || ".", escapingImports };
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"'\n]*)["']/g;

/** See Staged.escapingImports. Type-only imports are listed too; they matter only when loading fails. */
function importsLeaving(folder: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (lstatSync(path).isDirectory()) {
        if (name !== "node_modules" && !name.startsWith(".")) walk(path);
      } else if (/\.(ts|mts|js|mjs)$/.test(name)) {
        for (const [, specifier] of readFileSync(path, "utf8").matchAll(SPECIFIER)) {
          const target = resolve(dirname(path), specifier as string);
          const inside = target.startsWith(folder + sep);
          const grader = /(^|\/)grader\//.test(relative(dirname(folder), target).split(sep).join("/")) || /\/grader\//.test(specifier as string);
          if (!inside && !grader) found.push(`${relative(folder, path)} imports ${JSON.stringify(specifier)}`);
        }
      }
    }
  };
  walk(folder);
  return found;
}

/**
 * The lab folder inside a submission: the top if it holds index.ts, else a folder named for the lab
 * (e.g. labs/01-fallacies), else the only folder that holds an index.ts.
 */
function findLabFolder(top: string, lab: string): string {
  const candidates: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (existsSync(join(dir, "index.ts"))) candidates.push(dir);
    if (depth === 0) return;
    for (const name of readdirSync(dir).sort()) {
      if (name === "node_modules" || name.startsWith(".") || name === "__MACOSX") continue;
      const path = join(dir, name);
      if (lstatSync(path).isDirectory()) walk(path, depth - 1);
    }
  };
  walk(top, 5);
  if (candidates.includes(top)) return top;
  const named = candidates.filter((dir) => basename(dir) === lab);
  if (named.length === 1) return named[0] as string;
  if (candidates.length === 1) return candidates[0] as string;
  const shown = candidates.map((dir) => relative(top, dir));
  throw new SubmissionError(
    candidates.length === 0
      ? `no index.ts anywhere in the submission: it should hold the lab folder (labs/${lab}/ with its index.ts)`
      : `several folders with an index.ts (${shown.join(", ")}) and none is named ${lab}: which one is the lab?`,
  );
}
