import { describe, expect, it } from "vitest";
import type { NodeContext } from "../../grader/sim/api.js";
import { DeterminismError, EventBudgetExceeded, HandlerError } from "../../grader/sim/errors.js";
import { Simulation } from "../../grader/sim/simulation.js";
import { recorder, sendAt, traced, type Recorder } from "./helpers.js";

function pair(options: ConstructorParameters<typeof Simulation>[0] = { seed: 1 }) {
  const { sim, events } = traced(options);
  sim.addNode("a", recorder);
  sim.addNode("b", recorder);
  sim.start();
  const b = () => sim.handlersOf<Recorder>("b") as Recorder;
  return { sim, events, b };
}

describe("network", () => {
  it("delivers after the configured latency, in order, with peers set", () => {
    const { sim, b } = pair({ seed: 1, network: { latency: { kind: "constant", ms: 7 } } });
    sendAt(sim, 10, "a", "b", 1);
    sendAt(sim, 10, "a", "b", 2);
    sim.run();
    expect(b().received.map((r) => [r.msg, r.at])).toEqual([[1, 17], [2, 17]]);
    expect(b().ctx.peers).toEqual(["a"]);
  });

  it("loses everything at loss 1 and duplicates everything at duplicate 1", () => {
    const lossy = pair({ seed: 2, network: { loss: 1 } });
    for (let i = 0; i < 20; i++) sendAt(lossy.sim, i, "a", "b", i);
    lossy.sim.run();
    expect(lossy.b().received).toHaveLength(0);
    expect(lossy.sim.stats.dropped).toBe(20);

    const dup = pair({ seed: 2, network: { duplicate: 1 } });
    for (let i = 0; i < 20; i++) sendAt(dup.sim, i, "a", "b", i);
    dup.sim.run();
    expect(dup.b().received).toHaveLength(40);
  });

  it("reorders when latency varies", () => {
    const { sim, b } = pair({ seed: 3, network: { latency: { kind: "uniform", minMs: 1, maxMs: 100 } } });
    for (let i = 0; i < 50; i++) sendAt(sim, i, "a", "b", i);
    sim.run();
    const order = b().received.map((r) => r.msg as number);
    expect([...order].sort((x, y) => x - y)).toEqual(order.map((_, i) => i));
    expect(order).not.toEqual([...order].sort((x, y) => x - y));
  });

  it("samples every latency distribution within its bounds", () => {
    for (const latency of [
      { kind: "exponential" as const, minMs: 3, meanMs: 20 },
      { kind: "long-tail" as const, minMs: 2, alpha: 1.5, maxMs: 500 },
    ]) {
      const { sim, b } = pair({ seed: 4, network: { latency } });
      for (let i = 0; i < 200; i++) sendAt(sim, 0, "a", "b", i);
      sim.run();
      const delays = b().received.map((r) => r.at);
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(latency.minMs);
      if (latency.kind === "long-tail") expect(Math.max(...delays)).toBeLessThanOrEqual(500);
    }
  });

  it("partitions cut both directions, one-way blocks cut one, heal restores both", () => {
    const { sim, b } = pair();
    const a = () => sim.handlersOf<Recorder>("a") as Recorder;
    sim.at(0, "partition", () => sim.partition([["a"], ["b"]]));
    sendAt(sim, 1, "a", "b", "lost");
    sendAt(sim, 1, "b", "a", "lost");
    sim.at(10, "heal", () => sim.heal());
    sim.at(11, "block", () => sim.block("a", "b"));
    sendAt(sim, 12, "a", "b", "blocked");
    sendAt(sim, 12, "b", "a", "through");
    sim.at(20, "heal", () => sim.heal());
    sendAt(sim, 21, "a", "b", "healed");
    sim.run();
    expect(b().received.map((r) => r.msg)).toEqual(["healed"]);
    expect(a().received.map((r) => r.msg)).toEqual(["through"]);
  });

  it("drops a message that is in flight when a partition starts", () => {
    const { sim, b, events } = pair({ seed: 1, network: { latency: { kind: "constant", ms: 10 } } });
    sendAt(sim, 0, "a", "b", "x");
    sim.at(5, "partition", () => sim.partition([["a"]]));
    sim.run();
    expect(b().received).toHaveLength(0);
    expect(events.find((e) => e.type === "drop")).toMatchObject({ reason: "partition" });
  });
});

describe("nodes", () => {
  it("a crash loses volatile state, timers and unsynced writes; a restart keeps synced ones", () => {
    const instances: string[] = [];
    const fired: number[] = [];
    const sim = new Simulation({ seed: 1 });
    sim.addNode("n", (ctx: NodeContext) => {
      instances.push(`instance with stored=${JSON.stringify(ctx.storage.get("synced"))}, unsynced=${JSON.stringify(ctx.storage.get("unsynced"))}`);
      return {
        onStart() {
          if (ctx.storage.get("synced") !== undefined) return;
          ctx.storage.set("synced", 1);
          ctx.storage.sync();
          ctx.storage.set("unsynced", 2);
          ctx.setTimer(100, "old timer");
        },
        onTimer(payload) {
          fired.push(ctx.now());
          expect(payload).not.toBe("old timer");
        },
      };
    });
    sim.start();
    sim.at(50, "crash", () => sim.crash("n"));
    sim.at(60, "restart", () => sim.restart("n"));
    sim.run();
    expect(instances).toEqual(["instance with stored=undefined, unsynced=undefined", "instance with stored=1, unsynced=undefined"]);
    expect(fired).toEqual([]);
  });

  it("messages to a crashed node are dropped", () => {
    const { sim, b, events } = pair();
    sim.at(0, "crash", () => sim.crash("b"));
    sendAt(sim, 1, "a", "b", "x");
    sim.run();
    expect(b).toBeDefined();
    expect(sim.handlersOf("b")).toBeNull();
    expect(events.find((e) => e.type === "drop")).toMatchObject({ reason: "node-down" });
  });

  it("a paused node receives nothing until it resumes, then everything in order", () => {
    const { sim, b } = pair({ seed: 1, network: { latency: { kind: "constant", ms: 1 } } });
    sim.at(0, "pause", () => sim.pause("b", 100));
    for (let i = 0; i < 5; i++) sendAt(sim, i, "a", "b", i);
    sim.run();
    expect(b().received.map((r) => [r.msg, r.at])).toEqual([0, 1, 2, 3, 4].map((i) => [i, 100]));
  });

  it("a skewed, drifting clock changes now() and timer lengths, not the true time", () => {
    const seen: number[][] = [];
    const sim = new Simulation({ seed: 1 });
    sim.addNode("n", (ctx: NodeContext) => ({
      onStart: () => void ctx.setTimer(100),
      onTimer: () => void seen.push([sim.now, ctx.now()]),
    }));
    sim.setClock("n", 1000, 1);
    sim.start();
    sim.run();
    // Running twice as fast, a 100 ms timer takes 50 ms of true time; the clock reads 2 * 50 + 1000.
    expect(seen).toEqual([[50, 1100]]);
  });
});

describe("messages are values", () => {
  it("sends a frozen copy: the sender may change its own object, the receiver gets what was sent", () => {
    const sim = new Simulation({ seed: 1 });
    const received: unknown[] = [];
    sim.addNode("a", (ctx: NodeContext) => ({
      onStart() {
        const msg = { items: [1, 2] };
        ctx.send("b", msg);
        msg.items.push(3);
      },
    }));
    sim.addNode("b", () => ({ onMessage: (_from, msg) => void received.push(msg) }));
    sim.start();
    sim.run();
    expect(received).toEqual([{ items: [1, 2] }]);
    expect(Object.isFrozen(received[0]) && Object.isFrozen((received[0] as { items: unknown[] }).items)).toBe(true);
  });

  it("changing a received message throws an error that explains why", () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode("a", (ctx: NodeContext) => ({ onStart: () => ctx.send("b", { items: [1, 2] }) }));
    sim.addNode("b", () => ({ onMessage: (_from, msg) => void (msg as { items: number[] }).items.push(3) }));
    sim.start();
    expect(() => sim.run()).toThrowError(/frozen copies/);
  });

  it("reads a getter once, at send: the receiver cannot see the sender's live state", () => {
    const sim = new Simulation({ seed: 1 });
    let secret = 1;
    const received: unknown[] = [];
    sim.addNode("a", (ctx: NodeContext) => ({
      onStart() {
        ctx.send("b", { get value() { return secret; } } as never);
        secret = 2;
      },
    }));
    sim.addNode("b", () => ({ onMessage: (_from, msg) => void received.push(Object.getOwnPropertyDescriptor(msg as object, "value")) }));
    sim.start();
    sim.run();
    expect(received).toEqual([{ value: 1, writable: false, enumerable: true, configurable: false }]);
  });

  it("rejects values that are not JSON, naming the path", () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode("a", (ctx: NodeContext) => ({ onStart: () => ctx.send("b", { seen: new Set([1]) } as never) }));
    sim.addNode("b", recorder);
    expect(() => sim.start()).toThrowError(/it\.seen is a Set/);
  });

  it("counts bytes as the JSON length", () => {
    const { sim } = pair();
    sendAt(sim, 0, "a", "b", { type: "ping", n: 12 });
    sim.run();
    expect(sim.stats.bytesSent).toBe(JSON.stringify({ type: "ping", n: 12 }).length);
  });
});

describe("determinism guards", () => {
  it("redirects Math.random and Date.now to the seeded generator and virtual clock", () => {
    const draws = (seed: number) => {
      const values: number[] = [];
      const sim = new Simulation({ seed });
      sim.addNode("n", () => ({ onStart: () => void values.push(Math.random(), Date.now(), new Date().getTime()) }));
      sim.start();
      return values;
    };
    expect(draws(5)).toEqual(draws(5));
    expect(draws(5)[1]).toBe(0);
    expect(Math.random).not.toBe(undefined);
  });

  it("refuses setTimeout with a teaching error, and restores it afterwards", () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode("n", () => ({ onStart: () => void setTimeout(() => {}, 10) }));
    expect(() => sim.start()).toThrowError(/Use ctx.setTimer/);
    expect(typeof setTimeout(() => {}, 0)).not.toBe("undefined");
  });

  it("reports an async handler", () => {
    const sim = new Simulation({ seed: 1 });
    sim.addNode("n", () => ({ onStart: async () => {} }) as never);
    expect(() => sim.start()).toThrowError(DeterminismError);
  });

  it("wraps exceptions from lab code with the node, the time and what it was doing", () => {
    const { sim } = pair();
    sim.callAt(42, "b", "a test call", () => {
      throw new RangeError("boom");
    });
    expect(() => sim.run()).toThrowError(HandlerError);
    try {
      sim.run();
    } catch {
      // already thrown above
    }
    const again = pair();
    again.sim.callAt(42, "b", "a test call", () => {
      throw new RangeError("boom");
    });
    expect(() => again.sim.run()).toThrowError("b threw while handling a test call at t=42ms: RangeError: boom");
  });

  it("stops a livelock at the event budget", () => {
    const sim = new Simulation({ seed: 1, maxEvents: 1000 });
    sim.addNode("n", (ctx: NodeContext) => ({ onStart: () => void ctx.setTimer(0), onTimer: () => void ctx.setTimer(0) }));
    sim.start();
    expect(() => sim.run()).toThrowError(EventBudgetExceeded);
  });
});

describe("explicit scheduling", () => {
  function run(chooser?: (n: number) => number) {
    const { sim, events } = traced({
      seed: 9,
      network: { latency: { kind: "uniform", minMs: 1, maxMs: 30 } },
      ...(chooser ? { chooser: (pending: readonly unknown[]) => chooser(pending.length) } : {}),
    });
    sim.addNode("a", recorder);
    sim.addNode("b", recorder);
    sim.start();
    for (let i = 0; i < 10; i++) sendAt(sim, i, "a", "b", i);
    sim.run();
    return { events, choices: [...sim.choices], order: (sim.handlersOf<Recorder>("b") as Recorder).received.map((r) => r.msg) };
  }

  it("always choosing the first pending event is the default schedule", () => {
    expect(run(() => 0).order).toEqual(run().order);
  });

  it("a recorded schedule replays exactly", () => {
    let k = 7;
    const original = run((n) => (k = (k * 31 + 3) % 1000) % n);
    const replay = original.choices.slice();
    const again = run(() => replay.shift() as number);
    expect(again.events).toEqual(original.events);
    expect(original.order).not.toEqual(run().order);
  });
});

describe("step checks", () => {
  it("run after every event, so a broken invariant is caught at the step that breaks it", () => {
    const { sim } = pair({ seed: 1, network: { latency: { kind: "constant", ms: 3 } } });
    for (let i = 0; i < 5; i++) sendAt(sim, i * 10, "a", "b", i);
    const seen: number[] = [];
    sim.afterEachStep(() => {
      const received = (sim.handlersOf<Recorder>("b") as Recorder).received.length;
      seen.push(received);
      if (received === 3) throw new Error(`three messages at t=${sim.now}`);
    });
    expect(() => sim.run()).toThrowError("three messages at t=23");
    expect(seen).toEqual([0, 1, 1, 2, 2, 3]);
  });
});
