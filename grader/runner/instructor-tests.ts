/**
 * Instructor-only tests: extra graded tests a lab may keep in `solutions-private/<lab>/instructor-suite.ts`
 * (exporting `instructorTests`), run on top of the practice suite by batch grading, Gradescope, and
 * `npm run lab N -- --instructor`. Learners never see them: the student export leaves them out, and
 * sandboxed grading workers may not read solutions-private/ at all.
 *
 * So the file reaches a worker as text, not as a path: it is packed here (types stripped, its imports
 * pointed at absolute file URLs under grader/ and node_modules/), sent over the worker's IPC channel,
 * and imported from a data: URL. That is why the file must be self-contained: it may import the grader
 * and npm packages, nothing else of solutions-private/.
 */
import { existsSync, readFileSync } from "node:fs";
import { stripTypeScriptTypes } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { LabSuite, LabTest } from "./suite.js";

/** The file a lab's instructor-only tests live in, relative to the repo root. */
export function instructorSuitePath(root: string, lab: string): string {
  return join(root, "solutions-private", lab, "instructor-suite.ts");
}

/** An instructor suite that cannot be used; the message says what to fix. */
export class InstructorSuiteError extends Error {
  constructor(file: string, problem: string) {
    super(`${relative(process.cwd(), file) || file}: ${problem}`);
    this.name = "InstructorSuiteError";
  }
}

/** A packed suite: plain JavaScript whose imports are absolute URLs, ready for a data: URL. */
export interface PackedInstructorSuite {
  /** Where it was read from, for messages. */
  file: string;
  code: string;
}

const GRADER = fileURLToPath(new URL("../", import.meta.url));
/**
 * Module specifiers: of import and export declarations (a statement that starts with `import` or
 * `export`, up to its `from "..."`), of side-effect imports, and of dynamic `import("...")`. Anchored at
 * statements so that a string in the suite that merely reads like an import is left alone.
 */
const SPECIFIERS = [
  /^(\s*(?:import|export)\b[^;"'`]*?\bfrom\s*)(["'])([^"'\n]+)\2/gm,
  /^(\s*import\s*)(["'])([^"'\n]+)\2/gm,
  /(\bimport\s*\(\s*)(["'])([^"'\n]+)\2(?=\s*\))/g,
];

/** Reads, strips and rewrites `file` (see the module comment). */
export function packInstructorSuite(file: string): PackedInstructorSuite {
  if (!existsSync(file)) throw new InstructorSuiteError(file, "no such file");
  let code: string;
  try {
    const source = readFileSync(file, "utf8");
    code = withoutExperimentalWarning(() => stripTypeScriptTypes(source, { mode: "strip" }));
  } catch (error) {
    throw new InstructorSuiteError(file, `${(error as Error).message} (use only TypeScript that type stripping can erase: no enums, namespaces or parameter properties)`);
  }
  for (const pattern of SPECIFIERS) {
    code = code.replace(pattern, (_whole, lead: string, quote: string, specifier: string) => `${lead}${quote}${importTarget(file, specifier)}${quote}`);
  }
  return { file, code };
}

/** Node calls stripTypeScriptTypes experimental and says so on stderr; graders need not hear it. */
function withoutExperimentalWarning<T>(run: () => T): T {
  const emit = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning instanceof Error ? warning.message : warning).includes("stripTypeScriptTypes")) return;
    (emit as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return run();
  } finally {
    process.emitWarning = emit;
  }
}

function importTarget(file: string, specifier: string): string {
  if (specifier.startsWith("node:")) return specifier;
  if (specifier.startsWith(".") || specifier.startsWith("/")) {
    let target = resolve(dirname(file), specifier);
    if (!target.startsWith(GRADER)) {
      throw new InstructorSuiteError(
        file,
        `imports ${JSON.stringify(specifier)}, outside grader/. An instructor suite is shipped and run on its own: ` +
          "import the grader and npm packages only, and keep its helpers in the file itself.",
      );
    }
    if (!existsSync(target) && target.endsWith(".js") && existsSync(`${target.slice(0, -3)}.ts`)) target = `${target.slice(0, -3)}.ts`;
    if (!existsSync(target)) throw new InstructorSuiteError(file, `imports ${JSON.stringify(specifier)}, which does not exist`);
    return pathToFileURL(target).href;
  }
  // An npm package: resolved from the grader, where the course's dependencies are installed.
  try {
    return import.meta.resolve(specifier);
  } catch {
    throw new InstructorSuiteError(file, `imports the package ${JSON.stringify(specifier)}, which is not installed`);
  }
}

/**
 * Imports a packed suite and checks its tests against the lab's practice suite. A worker imports the
 * packed code (`from: "code"`); the grader's own process, which may read the file and whose loader
 * (tsx, vitest) handles TypeScript, imports the file itself.
 */
export async function importInstructorSuite<Impl>(packed: PackedInstructorSuite, suite: LabSuite<Impl>, from: "code" | "file" = "code"): Promise<LabTest<Impl>[]> {
  let module: { instructorTests?: unknown };
  try {
    const url = from === "file" ? pathToFileURL(packed.file).href : `data:text/javascript;base64,${Buffer.from(packed.code).toString("base64")}`;
    module = (await import(url)) as typeof module;
  } catch (error) {
    throw new InstructorSuiteError(packed.file, `could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
  }
  const tests = module.instructorTests;
  if (!Array.isArray(tests)) throw new InstructorSuiteError(packed.file, "must export `instructorTests`, an array of tests");
  const practice = new Set(suite.tests.map((t) => t.id));
  const seen = new Set<string>();
  for (const test of tests as LabTest<Impl>[]) {
    const id = JSON.stringify(test?.id);
    if (typeof test?.id !== "string" || typeof test.run !== "function" || typeof test.name !== "string") {
      throw new InstructorSuiteError(packed.file, `test ${id} needs an id, a name and a run function`);
    }
    if (practice.has(test.id)) throw new InstructorSuiteError(packed.file, `test ${id} has the id of a practice test: rename it`);
    if (seen.has(test.id)) throw new InstructorSuiteError(packed.file, `two tests have the id ${id}`);
    seen.add(test.id);
    if (!(test.part in suite.parts)) {
      throw new InstructorSuiteError(packed.file, `test ${id} is in part ${JSON.stringify(test.part)}; the lab's parts are ${Object.keys(suite.parts).join(", ")}`);
    }
    if (!Number.isInteger(test.points) || test.points <= 0) throw new InstructorSuiteError(packed.file, `test ${id} needs a whole number of points above 0`);
  }
  return tests as LabTest<Impl>[];
}
