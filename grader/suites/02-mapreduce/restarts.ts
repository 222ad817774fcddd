/**
 * The handout's restart rule, checked: when workers crash mid-task and restart, each such crash may
 * delay the job by at most `CRASH_COST_MS` over the same job without crashes. Noticing a restart
 * costs the restart delay (at most 400 ms in the tests) and the redone work; waiting out a task
 * timeout of about 2 s instead costs about 2 s. A failure says what the record shows: which task a
 * restarted worker lost and how long it waited, or which task ran again long after.
 */
import type { TestContext } from "../../runner/suite.js";
import { attempts, ms, msSpan, type Attempt } from "./diagnose.js";
import { recordOf, type RunningJob } from "./job.js";

export const CRASH_COST_MS = 1000;

/**
 * Fails unless `j` (with crashes) finished within `base`'s time plus `CRASH_COST_MS` per crash.
 * `figure` names the scenario in the measured figure (the same on every seed, unlike `summary`).
 */
export function checkCrashCost(t: TestContext, base: RunningJob, j: RunningJob, summary: string, figure: string): void {
  const crashes = j.life.filter((e) => e.kind === "crash").length;
  const done = j.doneAt as number;
  const t0 = base.doneAt as number;
  const bound = t0 + CRASH_COST_MS * crashes;
  const what = `${summary}: done at t=${ms(done)}, t=${ms(t0)} without crashes`;
  // The check below, per crash so that the bound is the same on every seed: done - t0 over the crashes,
  // at most CRASH_COST_MS. With no crash at all, the allowance is nothing over the time without crashes.
  if (crashes > 0) t.measure(`delay per crash over the job without crashes (${figure})`, (done - t0) / crashes, { atMost: CRASH_COST_MS, unit: "ms" });
  else t.measure(`delay over the job without crashes, none happening (${figure})`, done - t0, { atMost: 0, unit: "ms" });
  if (done > bound) {
    t.fail(`${what}: over the ${ms(bound)} allowed (the time without crashes plus ${msSpan(CRASH_COST_MS)} per crash).${whySlow(j)}`, { time: done });
  }
  j.sim.note(`restarts (passed): ${what}, within ${ms(bound)}`);
}

/** The slowest comeback in the record, or else a task that a restarted worker ran and that ran again. */
function whySlow(j: RunningJob): string {
  const record = recordOf(j);
  const list = attempts(record);
  let worst: { lost: Attempt; crashAt: number; back: number; again: number } | null = null;
  for (const c of j.life.filter((e) => e.kind === "crash")) {
    const back = j.life.find((e) => e.node === c.node && e.kind === "restart" && e.at > c.at);
    const lost = list.filter((a) => a.node === c.node && a.start <= c.at && (a.committed === null || a.committed > c.at)).at(-1);
    if (back === undefined || lost === undefined) continue;
    const again = list.find((a) => a.task === lost.task && a.start > c.at)?.start ?? record.now;
    if (worst === null || again - back.at > worst.again - worst.back) worst = { lost, crashAt: c.at, back: back.at, again };
  }
  if (worst !== null && worst.again - worst.back > CRASH_COST_MS / 2) {
    return (
      ` ${worst.lost.node} crashed at t=${ms(worst.crashAt)} in the middle of ${worst.lost.label} and was back at t=${ms(worst.back)}, asking for work; ` +
      `that task was started again only at t=${ms(worst.again)}, ${msSpan(worst.again - worst.back)} after the restart. A worker that comes back has lost whatever ` +
      `it was running: give that task to someone (itself included) as soon as the restart is noticed, instead of waiting for it to time out`
    );
  }
  for (const r of j.life.filter((e) => e.kind === "restart")) {
    const ran = list.find((a) => a.node === r.node && a.start >= r.at);
    const again = ran && list.find((a) => a.task === ran.task && a.start > ran.start && a.start - ran.start > CRASH_COST_MS / 2);
    if (ran === undefined || again === undefined) continue;
    return (
      ` ${r.node}, restarted at t=${ms(r.at)}, ran ${ran.label} from t=${ms(ran.start)}, and the same task was started again by ${again.node} at t=${ms(again.start)}, ` +
      `${msSpan(again.start - ran.start)} later, as if the coordinator had never counted ${r.node}'s run. Did the new incarnation act on a reply meant for its old one? ` +
      `Then the coordinator's answer to the new incarnation went unheeded, and the task it had given waited out its timeout: ` +
      `a restarted worker must act only on answers to its own asks (tell incarnations apart, e.g. by a random id chosen at start)`
    );
  }
  return ` A restarted worker has lost whatever it was running: give its task to someone as soon as the restart is noticed, instead of waiting for it to time out`;
}
