/**
 * Lab 2: a worker.
 *
 * It asks the coordinator (`job.coordinator`) for work, runs the task over the shared file system
 * `fs`, commits the output, reports, and asks again; told the job is done, it calls `job.exit()`.
 * `fs.read` and `fs.write` take virtual time: they return at once and the result arrives in
 * `onFsDone`. One read or write at a time.
 *
 * A plan that works:
 * - Map task m on input file f: read f, call `app.map(f, contents)`, split the pairs into nReduce
 *   buckets by a hash of the key (mod nReduce), write each bucket (JSON is fine) to a temporary file,
 *   and once the write is done rename each into place as, say, `mr-<m>-<r>`.
 * - Reduce task r: read every map task's file for r, group the values by key, call
 *   `app.reduce(key, values)` for each key, write the lines "key value\n" to a temporary file, and
 *   once the write is done rename it to `outputFile(r)`.
 * - Temporary names must be unique per attempt (two attempts of a task may run at once).
 * - Messages get lost: if the coordinator does not answer within a few hundred ms, ask again.
 */
import type { Json, NodeContext, NodeId, TimerId } from "../../grader/sim/api.js";
import type { FsResult, MapReduceApp, SharedFs, WorkerJob, WorkerNode } from "../../grader/suites/02-mapreduce/interface.js";

export class Worker implements WorkerNode {
  // TODO: what you asked for and when, the task you are running and the step it is at.

  constructor(
    protected readonly ctx: NodeContext,
    protected readonly fs: SharedFs,
    protected readonly app: MapReduceApp,
    protected readonly job: WorkerJob,
  ) {}

  onStart(): void {
    // TODO: ask the coordinator for work.
    throw new Error("not implemented: Worker.onStart in labs/02-mapreduce/worker.ts");
  }

  onMessage(from: NodeId, msg: Json): void {
    // TODO: the coordinator's answer: a map task, a reduce task, "wait", or "exit".
    throw new Error("not implemented: Worker.onMessage in labs/02-mapreduce/worker.ts");
  }

  onTimer(payload: Json, timer: TimerId): void {
    // TODO: ask again (no answer yet, or told to wait).
    throw new Error("not implemented: Worker.onTimer in labs/02-mapreduce/worker.ts");
  }

  onFsDone(result: FsResult): void {
    // TODO: the next step of your task: map or reduce what you read, or commit what you wrote.
    throw new Error("not implemented: Worker.onFsDone in labs/02-mapreduce/worker.ts");
  }
}

export function createWorker(ctx: NodeContext, fs: SharedFs, app: MapReduceApp, job: WorkerJob): WorkerNode {
  return new Worker(ctx, fs, app, job);
}
