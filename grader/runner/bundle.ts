/**
 * Turns an implementation folder into one script that a grading worker runs confined (see
 * confinement.ts). esbuild follows the lab's imports (its own files, the grader's, npm packages), strips
 * the types and writes one CommonJS-style body with a source map, so that failures can still name the
 * learner's file and line. What a lab may import is checked here, before anything runs: Node's built-in
 * modules are refused (lab code reaches the world only through `ctx`), and so are files outside the
 * lab's folder other than the grader, npm packages and, for a folder inside the course, the course.
 *
 * This runs in the grader's own process: the worker that runs the code never reads the folder.
 */
import { builtinModules } from "node:module";
import { join, relative, resolve, sep } from "node:path";
import { build, type Message, type Plugin } from "esbuild";
import { ENTRY_FILE, LoadError } from "./load-implementation.js";
import { REPO_ROOT } from "./typecheck.js";

/** An implementation as a worker receives it. */
export interface LabBundle {
  /** The folder it was built from (absolute), for messages. */
  dir: string;
  /** The script: the body of a function that returns the lab's exports (see bundleImplementation). */
  code: string;
  /** Its source map (JSON text), with source paths relative to the current directory. */
  map: string;
}

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/**
 * Bundles `dir/index.ts`. Throws a LoadError that says what to fix when the code does not compile or
 * imports something lab code may not use. `shown` names the folder in messages.
 */
export async function bundleImplementation(dir: string, shown: string): Promise<LabBundle> {
  const folder = resolve(dir);
  const entry = join(folder, ENTRY_FILE);
  const outfile = join(process.cwd(), "lab-bundle.js");
  let result;
  try {
    result = await build({
      entryPoints: [entry],
      bundle: true,
      format: "esm",
      platform: "neutral",
      target: "es2023",
      mainFields: ["module", "main"],
      conditions: ["import", "default"],
      resolveExtensions: [".ts", ".mts", ".js", ".mjs", ".json"],
      write: false,
      outfile,
      sourcemap: "external",
      sourcesContent: false,
      legalComments: "none",
      logLevel: "silent",
      plugins: [confineImports(folder)],
    });
  } catch (error) {
    const errors = (error as { errors?: Message[] }).errors;
    if (!Array.isArray(errors)) throw error;
    // A refused import is not a syntax error: it gets "could not load", as an import that throws does.
    const verb = errors.some((e) => e.pluginName === "confine-imports") ? "load" : "compile";
    throw new LoadError(`could not ${verb} ${join(shown, ENTRY_FILE)}:\n${errors.slice(0, 8).map(describe).join("\n")}\nFix this, then run the lab again.`);
  }
  const code = result.outputFiles.find((f) => f.path.endsWith(".js"))?.text ?? "";
  const map = result.outputFiles.find((f) => f.path.endsWith(".map"))?.text ?? "{}";
  return { dir: folder, code: withoutCensoredText(returningExports(code)), map };
}

/**
 * esbuild ends an ES module bundle with one `export { a, b as c };` statement (it has no imports left
 * to keep). That statement becomes `return { a, c: b };`, so the script is a function body whose every
 * call is a fresh instance of the modules, with a plain exports object.
 */
function returningExports(code: string): string {
  const match = /\nexport\s*\{([^}]*)\};?\s*$/.exec(code);
  if (match === null) return `${code}\nreturn {};\n`;
  const entries = (match[1] as string)
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => {
      const [local, exported = local] = part.split(/\s+as\s+/) as [string, string?];
      return `${JSON.stringify(exported.replace(/^"|"$/g, ""))}: ${local}`;
    });
  return `${code.slice(0, match.index)}\nreturn { ${entries.join(", ")} };\n`;
}

/** The imports lab code may make (see the module comment). */
function confineImports(folder: string): Plugin {
  const inCourse = folder === REPO_ROOT || folder.startsWith(REPO_ROOT + sep);
  const allowed = [folder, join(REPO_ROOT, "grader"), join(REPO_ROOT, "node_modules"), ...(inCourse ? [REPO_ROOT] : [])];
  const inside = (path: string) => allowed.some((root) => path === root || path.startsWith(root + sep));
  return {
    name: "confine-imports",
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData === "confine-imports") return undefined;
        const from = args.importer ? relative(process.cwd(), args.importer) : ENTRY_FILE;
        if (BUILTINS.has(args.path)) {
          return refuse(`${from} imports ${JSON.stringify(args.path)}: lab code runs confined and may not use Node's modules (files, network, processes, timers). A node reaches the world only through ctx.`);
        }
        if (args.kind === "dynamic-import" || args.kind === "require-call") {
          return refuse(`${from} uses ${args.kind === "require-call" ? "require()" : "import()"} for ${JSON.stringify(args.path)}: import your modules with static import statements.`);
        }
        const found = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: "confine-imports" });
        if (found.errors.length > 0) return { errors: found.errors };
        if (!found.external && found.path !== "" && !inside(found.path)) {
          return refuse(
            `${from} imports ${JSON.stringify(args.path)}, which is ${relative(process.cwd(), found.path)}, outside the lab folder: ` +
              "a lab may import its own files, the grader and npm packages, so that it grades the same anywhere.",
          );
        }
        return found;
      });
    },
  };
}

function refuse(text: string) {
  return { errors: [{ text }] };
}

function describe(message: Message): string {
  const where = message.location ? `${relative(process.cwd(), resolve(message.location.file)) || message.location.file}:${message.location.line}:${message.location.column + 1}: ` : "";
  return `  ${where}${message.text}`;
}

/**
 * SES refuses to evaluate source text that contains `<!--`, `-->` or `import(` anywhere, even inside a
 * string, since its checks do not parse. esbuild's output has none of these as code (it drops
 * comments and prints operators with spaces), so each one is inside a string, template or regular
 * expression literal, where an escape means the same character: "a-->b" becomes "a--\x3eb".
 */
export function withoutCensoredText(code: string): string {
  return code
    .replace(/<!--/g, "\\x3c!--")
    .replace(/-->/g, "--\\x3e")
    .replace(/\bimport(\s*(?:\(|\/[/*]))/g, "impor\\u0074$1");
}
