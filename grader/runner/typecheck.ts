/**
 * Type-checks an implementation folder with the project's own compiler and settings. Type errors are
 * warnings, not failures: the code still runs (tsx strips types), but an error often explains a
 * failing test, so the report lists them.
 */
import { execFile } from "node:child_process";
import { realpathSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: this file is grader/runner/typecheck.ts. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/\/$/, "");

const TSC = join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");

/**
 * Error lines as "file:line:col - message", paths relative to the current directory: errors in the
 * folder's own files only. What it imports (the grader, npm packages) is checked as part of the
 * course; an error there is not the learner's to fix.
 */
export async function typecheckImplementation(implDir: string): Promise<string[]> {
  const folder = resolve(implDir);
  // A temporary tsconfig (outside the repo, so nothing is left behind) that checks only this folder
  // and what it imports, with the repo's compiler options.
  const dir = await mkdtemp(join(tmpdir(), "lab-typecheck-"));
  try {
    const config = join(dir, "tsconfig.json");
    await writeFile(
      config,
      JSON.stringify({
        extends: join(REPO_ROOT, "tsconfig.json"),
        // Type packages are looked up from the config's folder by default; this one is in the temp dir.
        compilerOptions: { typeRoots: [join(REPO_ROOT, "node_modules", "@types")] },
        include: [join(folder, "**", "*.ts")],
        // The repo's own excludes (deliberately broken fixtures) must not hide the folder asked for.
        exclude: [],
      }),
    );
    const output = await runTsc(["-p", config, "--noEmit", "--pretty", "false"]);
    return parseDiagnostics(output, folder);
  } catch (error) {
    return [`the type check could not run: ${error instanceof Error ? error.message : String(error)}`];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** tsc's output. It exits non-zero when it finds errors, which is an answer, not a failure. */
function runTsc(args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    execFile(process.execPath, [TSC, ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && stdout.trim() === "") fail(new Error(stderr.trim() || error.message));
      else done(stdout);
    });
  });
}

/** Turns "file(line,col): error TS1234: message" (plus indented continuation lines) into our format. */
function parseDiagnostics(output: string, folder: string): string[] {
  const errors: string[] = [];
  // tsc may name a file by its real path (a temporary folder behind a symbolic link, say).
  const inside = [folder, realpathOf(folder)];
  // Continuation lines belong to the error above them, kept or not.
  let keeping = false;
  for (const line of output.split(/\r?\n/)) {
    const match = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    if (match) {
      const [, file, row, col, code, message] = match as unknown as [string, string, string, string, string, string];
      const path = resolve(file);
      keeping = inside.some((dir) => path.startsWith(dir + sep));
      if (keeping) errors.push(`${relative(process.cwd(), path)}:${row}:${col} - ${message} (${code})`);
    } else if (/^\s+\S/.test(line) && errors.length > 0) {
      if (keeping) errors[errors.length - 1] += `\n${line}`;
    } else if (/^error TS\d+:/.test(line)) {
      keeping = true;
      errors.push(line);
    }
  }
  return errors;
}

/** The real path of `path`, or `path` itself when it does not exist. */
export function realpathOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
