/**
 * Grades one staged submission, in a child process of the batch (see batch.ts), so that nothing a
 * submission does can stall or crash the batch. Its workers run under the pool's guard rails; its
 * lab output is counted and capped here; the result goes back to the batch over IPC.
 */
import { gradeLab, type GradeResult } from "../runner/grade.js";
import { sandboxWorkers } from "../runner/pool.js";
import { findLab } from "../suites/index.js";

export interface GradeOneRequest {
  lab: string;
  implDir: string;
  /** Shown in the result instead of the temporary path. */
  label: string;
  root: string;
  scratch: string;
  seeds?: number;
  only?: string[];
  deadlineMs: number;
  memoryMb: number;
  /** Worker processes for this submission's seeds. */
  workers: number;
  /** Lab output kept (the rest is counted, not kept). */
  outputKeptBytes: number;
  /** Fresh grading seeds (the default), or the practice seeds 1..N. */
  mode?: "practice" | "grading";
  /** The lab's instructor-only tests file, when they are graded too. */
  instructorTests?: string;
}

export interface GradeOneReply {
  result: GradeResult;
  outputBytes: number;
  output: string;
}

const send = process.send?.bind(process);
if (send === undefined) throw new Error("grade-one.ts is started by the batch grader (batch.ts)");
// The batch started this process as the leader of its own process group: if the batch goes away,
// take the workers down too (a worker stuck in a loop would never notice on its own).
process.on("disconnect", () => process.kill(-process.pid, "SIGKILL"));

const request = JSON.parse(process.argv[2] ?? "{}") as GradeOneRequest;
const entry = findLab(request.lab);
if (entry === undefined) throw new Error(`no lab ${request.lab}`);

let outputBytes = 0;
const kept: Buffer[] = [];
const sink = {
  write(chunk: Buffer | string): boolean {
    const bytes = Buffer.from(chunk);
    const room = request.outputKeptBytes - Math.min(outputBytes, request.outputKeptBytes);
    if (room > 0) kept.push(bytes.subarray(0, room));
    outputBytes += bytes.length;
    return true;
  },
} as unknown as NodeJS.WritableStream;

sandboxWorkers(true);
const result = await gradeLab({
  entry,
  implDir: request.implDir,
  implementationLabel: request.label,
  // Failure locations name the learner's own folder, not the batch's temporary copy of it.
  shownAs: `labs/${request.lab}`,
  mode: request.mode ?? "grading",
  typecheck: false,
  workers: request.workers,
  deadlineMs: request.deadlineMs,
  memoryMb: request.memoryMb,
  labOutput: sink,
  ...(request.seeds !== undefined ? { seeds: request.seeds } : {}),
  ...(request.only !== undefined ? { only: request.only } : {}),
  ...(request.instructorTests !== undefined ? { instructorTests: request.instructorTests } : {}),
});
const reply: GradeOneReply = { result, outputBytes, output: Buffer.concat(kept).toString("utf8") };
send(reply, () => {
  process.removeAllListeners("disconnect");
  process.exit(0);
});
