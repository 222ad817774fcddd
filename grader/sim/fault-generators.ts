/**
 * fast-check generators of fault schedules. A schedule is built from "episodes" (a partition and
 * its healing, a crash and its restart, a pause, a spell of bad network), so that shrinking removes
 * whole episodes and shortens them, and the smallest failing schedule still makes sense to read.
 */
import fc from "fast-check";
import type { NodeId } from "./api.js";
import type { Fault, FaultSchedule } from "./faults.js";
import type { Latency } from "./network.js";

export interface FaultScheduleOptions {
  nodes: readonly NodeId[];
  /** Nodes that may crash and restart (default: none). */
  crashable?: readonly NodeId[];
  /** Faults start before this time; every episode ends by `horizonMs` + its longest duration. */
  horizonMs: number;
  maxEpisodes?: number;
  /** Longest partition, pause, or spell of bad network (default 2,000 ms). */
  maxDurationMs?: number;
  /** Episode kinds to draw from (default: all that apply). */
  kinds?: readonly EpisodeKind[];
}

export type EpisodeKind = "partition" | "one-way" | "bad-network" | "pause" | "crash-restart" | "clock";

export function faultSchedule(options: FaultScheduleOptions): fc.Arbitrary<FaultSchedule> {
  const { nodes, horizonMs } = options;
  const crashable = options.crashable ?? [];
  const maxDuration = options.maxDurationMs ?? 2000;
  const start = fc.integer({ min: 0, max: horizonMs });
  const duration = fc.integer({ min: 1, max: maxDuration });
  const node = fc.constantFrom(...nodes);

  const episodes: Record<EpisodeKind, fc.Arbitrary<Fault[]> | null> = {
    partition: fc
      .record({ at: start, forMs: duration, side: fc.subarray([...nodes], { minLength: 1, maxLength: Math.max(1, nodes.length - 1) }) })
      .map(({ at, forMs, side }) => [
        { at, type: "partition", groups: [side] },
        { at: at + forMs, type: "heal" },
      ]),
    "one-way": fc
      .record({ at: start, forMs: duration, from: node, to: node })
      .filter(({ from, to }) => from !== to)
      .map(({ at, forMs, from, to }) => [
        { at, type: "block", from, to },
        { at: at + forMs, type: "heal" },
      ]),
    "bad-network": fc
      .record({
        at: start,
        forMs: duration,
        loss: fc.constantFrom(0, 0.1, 0.3, 0.6),
        duplicate: fc.constantFrom(0, 0.1, 0.3),
        latency: latencyArbitrary(),
      })
      .map(({ at, forMs, loss, duplicate, latency }) => [
        { at, type: "network", conditions: { loss, duplicate, latency } },
        { at: at + forMs, type: "network", conditions: { loss: 0, duplicate: 0, latency: { kind: "constant", ms: 5 } } },
      ]),
    pause: fc.record({ at: start, forMs: duration, node }).map(({ at, forMs, node: n }) => [{ at, type: "pause", node: n, forMs }]),
    "crash-restart":
      crashable.length === 0
        ? null
        : fc
            .record({ at: start, downMs: duration, node: fc.constantFrom(...crashable) })
            .map(({ at, downMs, node: n }) => [
              { at, type: "crash", node: n },
              { at: at + downMs, type: "restart", node: n },
            ]),
    clock: fc
      .record({ at: start, node, offsetMs: fc.integer({ min: -5000, max: 5000 }), drift: fc.constantFrom(-0.01, 0, 0.001, 0.05) })
      .map(({ at, node: n, offsetMs, drift }) => [{ at, type: "clock", node: n, offsetMs, drift }]),
  };
  const kinds = (options.kinds ?? (Object.keys(episodes) as EpisodeKind[])).filter((k) => episodes[k] !== null);
  const episode = fc.oneof(...kinds.map((k) => episodes[k] as fc.Arbitrary<Fault[]>));
  return fc
    .array(episode, { maxLength: options.maxEpisodes ?? 6 })
    .map((list) => list.flat().sort((a, b) => a.at - b.at) as FaultSchedule);
}

function latencyArbitrary(): fc.Arbitrary<Latency> {
  return fc.oneof(
    fc.record({ kind: fc.constant("constant" as const), ms: fc.integer({ min: 1, max: 50 }) }),
    fc.record({ kind: fc.constant("uniform" as const), minMs: fc.integer({ min: 0, max: 10 }), maxMs: fc.integer({ min: 20, max: 300 }) }),
    fc.record({ kind: fc.constant("exponential" as const), minMs: fc.constant(1), meanMs: fc.integer({ min: 5, max: 100 }) }),
    fc.record({ kind: fc.constant("long-tail" as const), minMs: fc.constant(2), alpha: fc.constantFrom(1.2, 2), maxMs: fc.constant(2000) }),
  );
}
