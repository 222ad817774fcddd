/**
 * A fresh copy of the implementation's modules for every seed. Module-level variables in lab code
 * would otherwise carry state from one seed to the next within a worker, so a seed could behave
 * differently in a full run than when replayed alone; with a fresh copy, a run is a function of
 * (test, seed, implementation) however the pool schedules it.
 *
 * How: the implementation is imported as `index.ts?instance=N`, and a resolve hook passes that
 * query on to every module it imports from inside the implementation's folder, so Node loads (and
 * evaluates) those modules again for each N. Modules outside the folder (the grader) are shared.
 */
import { registerHooks } from "node:module";
import { pathToFileURL } from "node:url";

const QUERY = "?instance=";

/** Installs the hook for `implDir`. Returns false where Node lacks `module.registerHooks` (< 22.15). */
export function enableFreshInstances(implDir: string): boolean {
  if (typeof registerHooks !== "function") return false;
  const folder = pathToFileURL(implDir.endsWith("/") ? implDir : `${implDir}/`).href;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const result = nextResolve(specifier, context);
      const parent = context.parentURL ?? "";
      const at = parent.indexOf(QUERY);
      if (at >= 0 && result.url.startsWith(folder) && !result.url.includes("?")) {
        return { ...result, url: result.url + parent.slice(at) };
      }
      return result;
    },
  });
  return true;
}

/** The query that selects instance `n` of a module. */
export function instanceQuery(n: number): string {
  return `${QUERY}${n}`;
}
