/** Runs `npm run grade`'s command (grader/cli/grade.ts) for the batch tests, as a whole or as a process to signal. */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { REPO } from "../runner/run-lab.js";

const TSX_CLI = createRequire(import.meta.url).resolve("tsx/cli");
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm")).href;

/** Lab 1 on two tests and one seed each, to stay fast. */
export const FAST = ["--lab", "1", "--seeds", "1", "--only", "channel-basic,lamport-rules", "--deadline", "3000", "--memory", "128"];

export interface GradeRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the command to its end (through tsx's CLI, as `npm run grade` does). */
export function grade(...args: string[]): Promise<GradeRun> {
  return new Promise((done) =>
    execFile(process.execPath, [TSX_CLI, "grader/cli/grade.ts", ...args], { cwd: REPO, env: { ...process.env, npm_lifecycle_event: "" } }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

/**
 * Starts the grader itself, not tsx's CLI (which would stand between it and a signal, and run it in a
 * child that outlives a SIGKILL). `exited` has its output once it ends.
 */
export function startGrade(...args: string[]): { child: ChildProcess; exited: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ["--import", TSX_LOADER, "grader/cli/grade.ts", ...args], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, exited: new Promise((done) => child.once("close", (code) => done({ code, stdout, stderr }))) };
}
