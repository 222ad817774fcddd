/**
 * The deadline every Lab 1 run ends with, reported as figures (`TestContext.measure`) so a learner
 * sees the margin: the run stops at a fixed virtual time, and every required delivery must have
 * happened by then. Recorded just before the check itself, which still decides and explains.
 */
import type { TestContext } from "../../runner/suite.js";

/** Where a test's stated deadline counts from ("the network healed", at t=8050) when not t=0; also when the deadline moves with the seed, since a figure's bound must be the same on every seed. */
export interface DeadlineStart {
  name: string;
  at: number;
}

/**
 * `lastAt` is the latest required delivery, `missing` how many required deliveries never happened;
 * `deadline` is the virtual time the run ended and was checked at. A time is only reported when
 * nothing is missing (a run that lost a message has no "last delivery" to compare); the count of
 * missing ones is reported whenever it is not zero, so a failing seed shows outside its bound.
 * With `since`, the time is reported as a delay from that moment (the same comparison, shifted).
 */
export function measureDeadline(
  t: TestContext,
  figures: { lastAt: number | undefined; missing: number },
  deadline: number,
  unit: "messages" | "deliveries",
  since?: DeadlineStart,
): void {
  if (figures.missing > 0) {
    const name = unit === "messages" ? "messages not delivered by the deadline" : "deliveries (node, broadcast) not made by the deadline";
    t.measure(name, figures.missing, { atMost: 0, unit });
  } else if (figures.lastAt !== undefined) {
    if (since) t.measure(`last delivery after ${since.name}`, figures.lastAt - since.at, { atMost: deadline - since.at, unit: "ms" });
    else t.measure("time of the last delivery", figures.lastAt, { atMost: deadline, unit: "ms" });
  }
}
