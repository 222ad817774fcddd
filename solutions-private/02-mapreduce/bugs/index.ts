/**
 * Lab 2's bug zoo: one folder per classic mistake, each a small variant of the reference solution
 * that the suite must fail. `expectedToFail` lists the tests that catch it on the practice seeds (at
 * least those; a variant may fail more).
 */
import { bugsOf, type BugVariant } from "../../../grader/runner/bug-zoo.js";

const bug = bugsOf("02-mapreduce");

export const BUGS: BugVariant[] = [
  // The coordinator
  bug("no-task-timeout", "a task given to a worker that crashes is never given to anyone else", ["mr-crash-map"]),
  bug("stale-completion-counted", "completion reports are counted, not matched to a current attempt: a late report counts twice", ["mr-paused-worker", "mr-stragglers"]),
  bug("no-map-reduce-barrier", "reduce tasks start once every map task is handed out, not finished", ["mr-word-count", "mr-other-apps"]),
  bug("redo-finished-reduce-tasks", "a restarted worker's finished tasks are run again, though their output survived in the shared file system", ["mr-crash-reduce"]),
  bug("serialized-scheduling", "one task at a time, as if the scheduler held a lock across each task", ["mr-parallelism", "mr-scale"]),
  bug("no-backup-tasks", "no backup tasks: a straggler holds up the end of every phase", ["mr-stragglers"]),
  bug("eager-backups", "a backup of every running task as soon as nothing is idle, slow or not", ["mr-job-count"]),
  bug("unlimited-backups", "backups without a limit: every idle worker gets another copy of the slowest task, backups of backups included", ["mr-many-stragglers"]),
  bug("restart-not-detected", "a restarted worker's lost tasks wait out the full task timeout before anyone else gets them", ["mr-crash-storm"]),

  // The worker
  bug("output-written-in-place", "reduce output is written straight into mr-out-R instead of a temporary file renamed into place", ["mr-early-exit", "mr-paused-worker"]),
  bug("report-before-commit", "the worker renames and reports as soon as it starts writing, before the write is done", ["mr-word-count"]),
  bug("worker-never-exits", "told the job is over, the worker keeps asking for work", ["mr-early-exit"]),
  bug("no-rpc-retry", "the worker asks once and waits forever if the ask or the reply is lost", ["mr-lost-rpcs"]),
  bug("reply-not-matched", "the worker takes any reply as the answer to its current ask: a duplicated old reply makes it redo an old task", ["mr-duplicating-network-no-repeats"]),
];
