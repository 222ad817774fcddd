/**
 * Lab code imports the grader by relative path (`../../grader/sim/api.js`), which resolves while the
 * lab folder sits at labs/<lab>/ in the course. A folder graded from anywhere else (a submission
 * unpacked into submissions/ada/, a copy in /tmp) has no grader two levels up; rather than fail to load,
 * such an import is pointed at this course's grader/. Only imports that would otherwise fail are
 * touched, and only those naming a path under a `grader/` folder.
 */
import { existsSync } from "node:fs";
import { registerHooks } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const GRADER = fileURLToPath(new URL("../", import.meta.url));

/** Installs the hook for modules inside `implDir`. Returns false where Node lacks `module.registerHooks`. */
export function redirectGraderImports(implDir: string): boolean {
  if (typeof registerHooks !== "function") return false;
  const folder = pathToFileURL(implDir.endsWith("/") ? implDir : `${implDir}/`).href;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      try {
        return nextResolve(specifier, context);
      } catch (error) {
        const at = specifier.lastIndexOf("grader/");
        const fromLab = context.parentURL?.startsWith(folder) === true;
        const code = (error as { code?: string }).code;
        if ((code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") || !fromLab || !specifier.startsWith(".") || at < 0) throw error;
        let target = join(GRADER, specifier.slice(at + "grader/".length).split("?")[0] as string);
        if (!existsSync(target) && target.endsWith(".js") && existsSync(`${target.slice(0, -3)}.ts`)) target = `${target.slice(0, -3)}.ts`;
        if (!existsSync(target)) throw error;
        return nextResolve(pathToFileURL(target).href, context);
      }
    },
  });
  return true;
}
