/**
 * Loads an implementation folder (the learner's lab, the reference solution, a bug-zoo variant or a
 * submission) and checks it provides the lab's exports, with errors that say what to do.
 *
 * Grading runs load it confined, from a bundle (bundle.ts, confinement.ts); `loadImplementation` here
 * imports the folder directly, unconfined, for the repo's own tests and benchmarks of trusted code
 * (the reference, bug-zoo variants, the skeleton).
 */
import { existsSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { LabSuite } from "./suite.js";

export class LoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LoadError";
  }
}

export const ENTRY_FILE = "index.ts";

/** Throws a LoadError unless `dir` is a folder with an entry file. Returns how to name the entry in messages. */
export function checkFolder(suite: LabSuite<unknown>, dir: string): string {
  const folder = resolve(dir);
  const shown = relative(process.cwd(), folder) || ".";
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new LoadError(`${shown} is not a folder. Point --impl at the folder that holds your lab's ${ENTRY_FILE}.`);
  }
  if (!existsSync(join(folder, ENTRY_FILE))) {
    throw new LoadError(
      `${join(shown, ENTRY_FILE)} is missing. Lab ${suite.unit} needs an ${ENTRY_FILE} that exports ${Object.keys(suite.exports).join(", ")}.`,
    );
  }
  return join(shown, ENTRY_FILE);
}

/** Imports `dir/index.ts` (unconfined; see the module comment) and checks its exports. */
export async function loadImplementation<Impl>(suite: LabSuite<Impl>, dir: string): Promise<Impl> {
  const entry = checkFolder(suite as LabSuite<unknown>, dir);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(join(resolve(dir), ENTRY_FILE)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new LoadError(`could not load ${entry}:\n${describeImportError(error)}\nFix this, then run the lab again.`);
  }
  checkExports(suite as LabSuite<unknown>, mod, entry);
  return mod as Impl;
}

/** Throws a LoadError naming every export `mod` lacks or has of the wrong kind. */
export function checkExports(suite: LabSuite<unknown>, mod: Record<string, unknown>, entry: string): void {
  const problems: string[] = [];
  for (const [name, kind] of Object.entries(suite.exports)) {
    const value = mod[name];
    if (value === undefined) problems.push(`missing export ${name} (a ${kind})`);
    else if (typeof value !== "function") problems.push(`export ${name} should be a ${kind} but is a ${typeof value}`);
  }
  if (problems.length > 0) {
    throw new LoadError(
      `${entry} does not provide what Lab ${suite.unit} needs:\n` +
        problems.map((p) => `  - ${p}`).join("\n") +
        `\nSee labs/${suite.lab}/README.md for the interface.`,
    );
  }
}

export function describeImportError(error: unknown): string {
  if (!(error instanceof Error)) return `  ${String(error)}`;
  const text = error.message
    .split("\n")
    .filter((line) => line.trim() !== "")
    .slice(0, 12)
    .map((line) => `  ${line}`)
    .join("\n");
  return `  ${error.name}: ${text.trimStart()}`;
}
