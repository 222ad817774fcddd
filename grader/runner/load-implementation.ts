/**
 * Loads an implementation folder (the learner's lab, the reference solution, a bug-zoo variant or a
 * submission) and checks it provides the lab's exports, with errors that say what to do.
 */
import { existsSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { instanceQuery } from "./fresh-instances.js";
import type { LabSuite } from "./suite.js";

export class LoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LoadError";
  }
}

export const ENTRY_FILE = "index.ts";

/**
 * Imports `dir/index.ts` and checks its exports. With `instance`, imports that numbered copy of the
 * implementation's modules (see fresh-instances.ts).
 */
export async function loadImplementation<Impl>(suite: LabSuite<Impl>, dir: string, instance?: number): Promise<Impl> {
  const folder = resolve(dir);
  const shown = relative(process.cwd(), folder) || ".";
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new LoadError(`${shown} is not a folder. Point --impl at the folder that holds your lab's ${ENTRY_FILE}.`);
  }
  const entry = join(folder, ENTRY_FILE);
  if (!existsSync(entry)) {
    throw new LoadError(
      `${join(shown, ENTRY_FILE)} is missing. Lab ${suite.unit} needs an ${ENTRY_FILE} that exports ${Object.keys(suite.exports).join(", ")}.`,
    );
  }
  let mod: Record<string, unknown>;
  try {
    const query = instance === undefined ? "" : instanceQuery(instance);
    mod = (await import(pathToFileURL(entry).href + query)) as Record<string, unknown>;
  } catch (error) {
    throw new LoadError(`could not load ${join(shown, ENTRY_FILE)}:\n${describeImportError(error)}\nFix this, then run the lab again.`);
  }
  const problems: string[] = [];
  for (const [name, kind] of Object.entries(suite.exports)) {
    const value = mod[name];
    if (value === undefined) problems.push(`missing export ${name} (a ${kind})`);
    else if (typeof value !== "function") problems.push(`export ${name} should be a ${kind} but is a ${typeof value}`);
  }
  if (problems.length > 0) {
    throw new LoadError(
      `${join(shown, ENTRY_FILE)} does not provide what Lab ${suite.unit} needs:\n` +
        problems.map((p) => `  - ${p}`).join("\n") +
        `\nSee labs/${suite.lab}/README.md for the interface.`,
    );
  }
  return mod as Impl;
}

function describeImportError(error: unknown): string {
  if (!(error instanceof Error)) return `  ${String(error)}`;
  const text = error.message
    .split("\n")
    .filter((line) => line.trim() !== "")
    .slice(0, 12)
    .map((line) => `  ${line}`)
    .join("\n");
  return `  ${error.name}: ${text.trimStart()}`;
}
