/**
 * The course's central promise: a run is a pure function of its seed. Random scenarios (cluster
 * size, network conditions, fault schedules, workloads) run twice give byte-identical traces.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { NodeContext, NodeId } from "../../grader/sim/api.js";
import { faultSchedule } from "../../grader/sim/fault-generators.js";
import type { FaultSchedule } from "../../grader/sim/faults.js";
import { serializeTrace, type TraceEvent } from "../../grader/sim/trace.js";
import { Simulation } from "../../grader/sim/simulation.js";

/** Gossip-ish nodes that use timers, randomness, storage and the clock: every API a lab uses. */
function runScenario(seed: number, size: number, faults: FaultSchedule): string {
  const sim = new Simulation({ seed, network: { latency: { kind: "exponential", minMs: 1, meanMs: 20 }, loss: 0.05, duplicate: 0.05 } });
  const events: TraceEvent[] = [];
  sim.listen((e) => events.push(e));
  const nodes: NodeId[] = Array.from({ length: size }, (_, i) => `n${i + 1}`);
  for (const id of nodes) {
    sim.addNode(id, (ctx: NodeContext) => {
      let known = (ctx.storage.get("known") as number | undefined) ?? 0;
      return {
        onStart: () => void ctx.setTimer(ctx.random() * 50, "tick"),
        onTimer() {
          const peer = ctx.peers[Math.floor(ctx.random() * ctx.peers.length)] as NodeId;
          ctx.send(peer, { known, at: ctx.now(), noise: Math.random() });
          if (ctx.now() < 3000) ctx.setTimer(10 + ctx.random() * 40, "tick");
        },
        onMessage(_from, msg) {
          const m = msg as { known: number };
          known = Math.max(known, m.known) + 1;
          ctx.storage.set("known", known);
          if (known % 3 === 0) ctx.storage.sync();
          ctx.log("known", known);
        },
      };
    });
  }
  sim.scheduleFaults(faults);
  sim.start();
  sim.run(6000);
  return serializeTrace({ format: "ds-course-trace", version: 1, lab: "test", test: "determinism", seed, nodes }, events);
}

describe("determinism", () => {
  it("the same seed and schedule give a byte-identical trace", () => {
    const scenario = fc
      .record({ seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }), size: fc.integer({ min: 2, max: 5 }) })
      .chain(({ seed, size }) => {
        const nodes = Array.from({ length: size }, (_, i) => `n${i + 1}`);
        return fc.record({
          seed: fc.constant(seed),
          size: fc.constant(size),
          faults: faultSchedule({ nodes, crashable: nodes, horizonMs: 3000 }),
        });
      });
    fc.assert(
      fc.property(scenario, ({ seed, size, faults }) => {
        const first = runScenario(seed, size, faults);
        expect(runScenario(seed, size, faults)).toBe(first);
      }),
      { numRuns: 40 },
    );
  });

  it("different seeds give different runs", () => {
    expect(runScenario(1, 3, [])).not.toBe(runScenario(2, 3, []));
  });
});
