/**
 * The shape most suites share: faults and a scripted adversary for a while, then a network that
 * heals and stays reliable, after which liveness ("everything eventually arrives") can be checked.
 */
import type { FaultSchedule } from "../../sim/faults.js";
import { RELIABLE_NETWORK } from "../../sim/network.js";
import type { Adversary, Simulation } from "../../sim/simulation.js";

export interface Adversity {
  faults?: FaultSchedule | undefined;
  adversary?: Adversary | undefined;
  /** From this time on, no partitions, no adversary, and a reliable network. */
  settleAt: number;
}

export function scheduleAdversity(sim: Simulation, a: Adversity): void {
  if (a.faults) sim.scheduleFaults(a.faults);
  if (a.adversary) sim.intercept(a.adversary);
  sim.at(a.settleAt, "the network heals and becomes reliable", () => {
    sim.intercept(null);
    sim.heal();
    sim.setNetwork(RELIABLE_NETWORK);
  });
}

/** The first moment, no earlier than `earliest`, after every fault of the schedule has ended. */
export function quietAfter(schedule: FaultSchedule, earliest: number): number {
  return Math.max(earliest, ...schedule.map((f) => f.at + ("forMs" in f ? f.forMs : 0))) + 1;
}
