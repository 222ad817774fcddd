/**
 * Classic mistake: backups without a limit. Near the end of a phase every idle worker that asks is
 * given yet another copy of the slowest task, backups of backups included, so when several workers
 * are slow at once the cluster spends its time running the same few tasks many times over.
 * One backup per task is enough: whichever copy finishes first wins.
 */
import type { NodeContext, NodeHandlers, NodeId } from "../../../../grader/sim/api.js";
import type { CoordinatorJob } from "../../../../grader/suites/02-mapreduce/interface.js";
import { BACKUP_AFTER, Coordinator, type Task } from "../../coordinator.js";

export * from "../../index.js";

class UnlimitedBackups extends Coordinator {
  protected override backupCandidate(phase: Task[], worker: NodeId): Task | undefined {
    const done = this.durations[phase[0]?.kind ?? "map"];
    if (done.length === 0) return undefined;
    const now = this.ctx.now();
    let pick: Task | undefined;
    let longest = BACKUP_AFTER * Math.max(...done);
    for (const task of phase) {
      if (task.status !== "running") continue;
      const attempts = [...task.attempts.values()];
      if (attempts.some((a) => a.worker === worker)) continue;
      const oldest = Math.min(...attempts.map((a) => a.startedAt));
      if (now - oldest > longest) {
        longest = now - oldest;
        pick = task;
      }
    }
    return pick;
  }
}

export function createCoordinator(ctx: NodeContext, job: CoordinatorJob): NodeHandlers {
  return new UnlimitedBackups(ctx, job);
}
