/** Runs `npm run lab`'s command (grader/cli/lab.ts under tsx) as a learner would, and captures it. */
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const BAD = "test/fixtures/bad-submissions";

const TSX_CLI = createRequire(import.meta.url).resolve("tsx/cli");

export interface LabRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runLab(...args: string[]): Promise<LabRun> {
  return runLabWith({}, ...args);
}

/** runLab with extra environment variables. */
export function runLabWith(env: NodeJS.ProcessEnv, ...args: string[]): Promise<LabRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [TSX_CLI, "grader/cli/lab.ts", ...args],
      // Not a terminal, so no colour or progress bar; and not `npm run lab`, so cwd is the repo root.
      { cwd: REPO, env: { ...process.env, npm_lifecycle_event: "", NO_COLOR: "1", ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
