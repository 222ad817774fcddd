/**
 * Lab 2's bug zoo: one folder per classic mistake, each a small variant of the reference solution
 * that the suite must fail. `expectedToFail` lists the tests that catch it on the practice seeds (at
 * least those; a variant may fail more), the most telling first; `says` is the substance of that first
 * test's message: the real cause, as the record shows it.
 */
import { bugsOf, type BugVariant } from "../../../grader/runner/bug-zoo.js";

const bug = bugsOf("02-mapreduce");

export const BUGS: BugVariant[] = [
  // The coordinator
  bug("no-task-timeout", "a task given to a worker that crashes is never given to anyone else", ["mr-crash-map"], /was last started by w\d+ .* crashed .* no worker started that task again/),
  bug("stale-completion-counted", "completion reports are counted, not matched to a current attempt: a late report counts twice", ["mr-paused-worker", "mr-stragglers"], /began reading for a reduce task .* before the map task of \S+ had finished .* had finished twice/),
  bug("no-map-reduce-barrier", "reduce tasks start once every map task is handed out, not finished", ["mr-word-count", "mr-other-apps"], /began reading for a reduce task at t=[\d,]+ms, before .*map task.*hand out reduce tasks only once every map task is done/),
  bug("redo-finished-reduce-tasks", "a restarted worker's finished tasks are run again, though their output survived in the shared file system", ["mr-crash-reduce"], /was committed by w\d+ .* committed again by w\d+/),
  bug("serialized-scheduling", "one task at a time, as if the scheduler held a lock across each task", ["mr-parallelism", "mr-scale"], /no two map tasks ever ran at the same time/),
  bug("no-backup-tasks", "no backup tasks: a straggler holds up the end of every phase", ["mr-stragglers"], /no task w\d+ was running was ever started on another worker as a backup/),
  bug("eager-backups", "a backup of every running task as soon as nothing is idle, slow or not", ["mr-job-count"], /started it \d+ ms after w\d+ had, (while|though) w\d+ was up.*a healthy map task here took up to/),
  bug("unlimited-backups", "backups without a limit: every idle worker gets another copy of the slowest task, backups of backups included", ["mr-many-stragglers"], /\d+ map runs for 48 inputs: over the bound of 60 map runs/),
  bug("restart-not-detected", "a restarted worker's lost tasks wait out the full task timeout before anyone else gets them", ["mr-restarts", "mr-crash-storm"], /crashed at t=[\d,]+ms in the middle of .* was back at .* started again only at t=[\d,]+ms, [\d,]+ ms after the restart/),
  bug("task-timeout-too-short", "a 400 ms task timeout: when tasks take most of a second, every attempt is given away while its worker is still working", ["mr-job-count", "mr-scale"], /was started \d+ times .* \d+ of those attempts finished writing their output.*handed out again anyway.*task timeout is shorter than a healthy task/),
  bug("restarted-worker-ignored", "asks are numbered with no incarnation id, and the coordinator drops numbers below the last it saw: a restarted worker is ignored for good", ["mr-crash-reduce", "mr-crash-map"], /w\d+ restarted .* the coordinator sent it nothing/),
  bug("silent-after-done", "once the job is done the coordinator stops answering, so workers never hear that it is over", ["mr-word-count"], /after done, w\d+ sent the coordinator \d+ message\(s\) and the coordinator answered none/),

  bug("task-given-twice", "a task handed out is not marked running: every worker that asks before it finishes gets it too", ["mr-job-count"], /started it \d+ ms after w\d+ had, while w\d+ was up and still working on it/),

  // The worker
  bug("output-written-in-place", "map and reduce output is written straight into its final file instead of a temporary file renamed into place", ["mr-early-exit", "mr-paused-worker"], /w\d+ was writing straight into mr-/),
  bug("temp-name-not-unique", "one temporary name per output file, not per attempt: two attempts of a task write the same temporary file", ["mr-early-exit", "mr-stragglers"], /wrote the same temporary file; a temporary name must be unique per attempt/),
  bug("report-before-commit", "the worker renames and reports as soon as it starts writing, before the write is done", ["mr-word-count"], /mr-out-\d+ is not final: it does not exist \(meanwhile w\d+ was still writing/),
  bug("worker-never-exits", "told the job is over, the worker keeps asking for work", ["mr-early-exit"], /the coordinator sent w\d+ \d+ message\(s\) .* and w\d+ never called job\.exit\(\)/),
  bug("no-rpc-retry", "the worker asks once and waits forever if the ask or the reply is lost", ["mr-lost-rpcs"], /fell silent: w\d+ last sent the coordinator a message at/),
  bug("reply-from-old-incarnation", "replies are matched by sequence number only: a restarted worker acts on the answer meant for its old incarnation", ["mr-restarts"], /restarted at t=[\d,]+ms, ran .* started again by w\d+ .* reply meant for its old one/),
  bug("exits-on-wait", "told to wait, the worker exits as if the job were over", ["mr-word-count"], /called exit\(\) at t=[\d,]+ms, before the coordinator reported the job done/),
  bug("reply-not-matched", "the worker takes any reply as the answer to its current ask: a duplicated old reply makes it redo an old task", ["mr-duplicating-network-no-repeats"], /w\d+ ran the map task of \S+ \d+ times .* though it never crashed/),
];
