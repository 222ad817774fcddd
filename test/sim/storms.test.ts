/**
 * A run stopped at its event budget, or by its runner's deadline, says what it was doing: a message
 * storm (node, message kind, rate, since when) or a livelock (node, what it repeats, when time
 * stopped). Runs that stay within their budget are untouched.
 */
import { describe, expect, it } from "vitest";
import type { NodeContext, NodeId } from "../../grader/sim/api.js";
import { EventBudgetExceeded, RunInterrupted, type SimulationError } from "../../grader/sim/errors.js";
import { runSeed } from "../../grader/runner/run-seed.js";
import type { LabSuite, LabTest } from "../../grader/runner/suite.js";
import { Simulation, type SimulationOptions } from "../../grader/sim/simulation.js";
import { traced } from "./helpers.js";

/**
 * n2 heartbeats n1 and n3 every 50 ms. From t=1,200 ms (when `stormFrom` is set) it also starts ten
 * append-entries chains per follower, and answers every ack with another append: 20 chains with a
 * 2 ms round trip, so n2 sends 10,000 appends per virtual second and n1, n3 5,000 acks each.
 */
function raftish(sim: Simulation, stormFrom: number | null): void {
  for (const id of ["n1", "n2", "n3"]) {
    sim.addNode(id, (ctx: NodeContext) => ({
      onStart() {
        if (id === "n2") ctx.setTimer(50, "beat");
        if (id === "n2" && stormFrom !== null) ctx.setTimer(stormFrom, "storm");
      },
      onTimer(payload) {
        if (payload === "beat") {
          for (const peer of ctx.peers) ctx.send(peer, { type: "heartbeat" });
          ctx.setTimer(50, "beat");
        } else {
          for (const peer of ctx.peers) for (let i = 0; i < 10; i++) ctx.send(peer, { type: "append-entries", entries: [] });
        }
      },
      onMessage(from: NodeId, msg) {
        const type = (msg as { type: string }).type;
        if (type === "append-entries") ctx.send(from, { type: "ack" });
        else if (type === "ack") ctx.send(from, { type: "append-entries", entries: [] });
      },
    }));
  }
}

function failure(options: SimulationOptions, setUp: (sim: Simulation) => void, until = Infinity): SimulationError {
  const sim = new Simulation(options);
  setUp(sim);
  sim.start();
  try {
    sim.run(until);
  } catch (error) {
    return error as SimulationError;
  }
  throw new Error("the run did not fail");
}

const ONE_MS = { latency: { kind: "constant", ms: 1 } } as const;

describe("a run stopped at its event budget", () => {
  it("names a message storm: the node, the message kind, the rate per virtual second, since when, and to whom", () => {
    const error = failure({ seed: 1, maxEvents: 30_000, network: ONE_MS }, (sim) => raftish(sim, 1200));
    expect(error).toBeInstanceOf(EventBudgetExceeded);
    expect(error.node).toBe("n2");
    expect(error.message).toMatch(/^message storm: n2 sent 10,000 "append-entries" messages per virtual second from t=1,200 ms \(n2 → n1, n3\), about 1\.0 for each event it handled; others too \(n1 5,000, n3 5,000 per virtual second\)\. /);
    expect(error.message).toContain("look for a reply that triggers another send");
    expect(error.message).toMatch(/\(the run was stopped at t=[\d,]+ ms, after more than 30,000 simulated events\)$/);
    // A pure function of the run, like everything else in it.
    expect(failure({ seed: 1, maxEvents: 30_000, network: ONE_MS }, (sim) => raftish(sim, 1200)).message).toBe(error.message);
  });

  it("counts what a node sends for each event it handles, so amplification shows", () => {
    const error = failure({ seed: 3, maxEvents: 20_000, network: { latency: { kind: "uniform", minMs: 1, maxMs: 9 } } }, (sim) => {
      for (const id of ["a", "b", "c", "d"]) {
        sim.addNode(id, (ctx: NodeContext) => ({
          onStart() {
            if (id === "a") ctx.send("b", { type: "gossip", value: 1 });
          },
          // Forwards every copy it receives to every peer: no seen-set.
          onMessage(_from, msg) {
            for (const peer of ctx.peers) ctx.send(peer, msg);
          },
        }));
      }
    });
    expect(error.message).toMatch(/^message storm: [a-d] sent [\d,]+ "gossip" messages per virtual second from t=0 ms \([a-d] → [a-d], [a-d], [a-d]\), about 3\.0 for each event it handled/);
  });

  it("names a livelock of timers set with no delay: the node and when time stopped", () => {
    const error = failure({ seed: 1, maxEvents: 20_000 }, (sim) =>
      sim.addNode("n1", (ctx: NodeContext) => ({
        onStart: () => void ctx.setTimer(10),
        onTimer: () => void ctx.setTimer(ctx.now() >= 700 ? 0 : 10),
      })),
    );
    expect(error).toBeInstanceOf(EventBudgetExceeded);
    expect(error.node).toBe("n1");
    expect(error.time).toBe(700);
    expect(error.message).toMatch(/^livelock: virtual time stopped at t=700 ms while events kept happening \(19,93\d events without time advancing\): n1 kept firing timers set with no delay/);
  });

  it("names a livelock of messages at zero latency: who, and which message", () => {
    const error = failure({ seed: 1, maxEvents: 20_000 }, (sim) => {
      for (const id of ["a", "b"]) {
        sim.addNode(id, (ctx: NodeContext) => ({
          onStart() {
            if (id === "a") ctx.setTimer(500);
          },
          onTimer: () => ctx.send("b", { type: "ping" }),
          onMessage: (from) => ctx.send(from, { type: "ping" }),
        }));
      }
      sim.at(400, "latency drops to zero", () => sim.setNetwork({ latency: { kind: "constant", ms: 0 } }));
    });
    expect(error.message).toMatch(/^livelock: virtual time stopped at t=500 ms .*: a and b kept sending "ping" messages to each other, arriving with no delay/);
  });

  it("a burst that lands on one millisecond is a storm, not a livelock: time moves on after it", () => {
    // Each ack is answered with two appends: the count doubles every round trip, and with whole-
    // millisecond latencies thousands of deliveries share each millisecond.
    const error = failure({ seed: 2, maxEvents: 30_000, network: ONE_MS }, (sim) =>
      sim.addNode("n1", (ctx: NodeContext) => ({
        onStart: () => ctx.send("n1", { type: "append-entries" }),
        onMessage: () => {
          ctx.send("n1", { type: "append-entries" });
          ctx.send("n1", { type: "append-entries" });
        },
      })),
    );
    expect(error.message).toMatch(/^message storm: n1 sent [\d,]+ "append-entries" messages per virtual second from t=0 ms \(n1 → n1\), about 2\.0 for each event/);
  });

  it("names messages without a type field by their shape", () => {
    const error = failure({ seed: 1, maxEvents: 10_000, network: ONE_MS }, (sim) =>
      sim.addNode("n1", (ctx: NodeContext) => ({
        onStart: () => ctx.send("n1", { term: 1, entries: [] }),
        onMessage: (_from, msg) => {
          ctx.send("n1", msg);
          ctx.send("n1", msg);
        },
      })),
    );
    expect(error.message).toMatch(/^message storm: n1 sent [\d,]+ \{term, entries\} messages per virtual second/);
  });
});

describe("a run its runner interrupts (a wall-clock deadline)", () => {
  it("stops with the runner's reason and the storm it was in, from virtual-time counts", () => {
    let polls = 0;
    const sim = new Simulation({ seed: 1, network: ONE_MS, interrupt: () => (++polls > 200 ? "seed 1 did not finish within 20 s of wall-clock time" : null) });
    raftish(sim, 1200);
    sim.start();
    expect(() => sim.run()).toThrowError(RunInterrupted);
    expect(polls).toBe(201);
    const message = sim.interrupted?.message ?? "";
    expect(message).toMatch(/^seed 1 did not finish within 20 s of wall-clock time; the simulation was still handling events \([\d,]+ by t=[\d,]+ ms\):\n/);
    expect(message).toMatch(/\nmessage storm: n2 sent 10,000 "append-entries" messages per virtual second from t=1,200 ms/);
    expect(sim.interrupted?.node).toBe("n2");
  });

  it("fails the seed even if test code catches the interruption, and does not shrink a fault schedule into it", () => {
    let polls = 0;
    const test: LabTest<null> = {
      id: "swallows",
      part: "A",
      name: "a test that catches what its simulation throws",
      points: 1,
      run(_impl, t) {
        const sim = t.simulation({ network: ONE_MS });
        raftish(sim, 0);
        sim.start();
        try {
          sim.run();
        } catch {
          // A test that swallows errors must not turn a missed deadline into a pass.
        }
      },
    };
    const suite: LabSuite<null> = { lab: "00-test", unit: 0, title: "t", parts: { A: "a" }, exports: {}, tests: [test] };
    const result = runSeed(suite, test, null, 1, { interrupt: () => (++polls > 10 ? "seed 1 did not finish within 1 s of wall-clock time" : null) });
    expect(result.passed).toBe(false);
    expect(result.message).toMatch(/^seed 1 did not finish within 1 s of wall-clock time; the simulation was still handling events .*\nmessage storm: n2 sent/s);
    expect(result.node).toBe("n2");
  });
});

describe("a run within its budget", () => {
  it("is untouched: the same trace and result with or without an interrupt that never fires", () => {
    const run = (interrupt?: () => null) => {
      const { sim, events } = traced({ seed: 5, network: { latency: { kind: "uniform", minMs: 1, maxMs: 20 }, loss: 0.1 }, maxEvents: 10_000, ...(interrupt ? { interrupt } : {}) });
      raftish(sim, null);
      sim.start();
      sim.run(20_000);
      return { events, stats: { ...sim.stats }, now: sim.now };
    };
    let polls = 0;
    const plain = run();
    const polled = run(() => {
      polls++;
      return null;
    });
    expect(polled).toEqual(plain);
    expect(plain.now).toBe(20_000);
    expect(polls).toBe(Math.floor(plain.stats.events / 256));
  });
});
