/**
 * The schedule explorer on toy protocols: it finds the shortest violating schedule, visits each state
 * once, injects the faults it is allowed, is deterministic, and finds (and confirms) livelocks.
 */
import { describe, expect, it } from "vitest";
import type { Json, NodeContext } from "../../grader/sim/api.js";
import { Violation } from "../../grader/sim/errors.js";
import { Simulation, type Chooser } from "../../grader/sim/simulation.js";
import { explore, findCycle, pumpLoop, replay } from "../../grader/explore/explorer.js";
import { violationError } from "../../grader/explore/report.js";

/** n1 and n2 each send one message to n3, which must receive n1's first (a property the network does not promise). */
function raceWorld(chooser: Chooser, log: string[] = []): Simulation {
  const sim = new Simulation({ seed: 1, chooser });
  const received: string[] = [];
  for (const id of ["n1", "n2"]) sim.addNode(id, (ctx: NodeContext) => ({ onStart: () => ctx.send("n3", id) }));
  sim.addNode("n3", () => ({
    received,
    onMessage(from: string, msg: Json) {
      received.push(msg as string);
      log.push(`${from}:${String(msg)}`);
      if (received[0] === "n2") throw new Violation("n3 heard from n2 first", { time: sim.now, node: "n3" });
    },
  }));
  sim.start();
  return sim;
}

describe("explore", () => {
  it("finds the shortest violating schedule, breadth first, and replays it", () => {
    const result = explore({ setUp: (c) => raceWorld(c), maxDepth: 5 });
    expect(result.violation?.schedule.map((s) => s.what)).toEqual(['deliver n2 -> n3 "n2"']);
    const log: string[] = [];
    expect(() => replay((c) => raceWorld(c, log), result.violation!.schedule)).toThrow(/n2 first/);
    expect(log).toEqual(["n2:n2"]);
    expect(violationError((c) => raceWorld(c), result, 5).message).toMatch(/n3 heard from n2 first[\s\S]*1\. deliver n2 -> n3/);
  });

  it("completes a safe search, counting each state once, and is deterministic", () => {
    // n1 sends n3 three identical messages; n3 only counts them, so the order never matters.
    const world = (chooser: Chooser) => {
      const sim = new Simulation({ seed: 1, chooser });
      sim.addNode("n1", (ctx: NodeContext) => ({ onStart: () => [1, 2, 3].forEach(() => ctx.send("n3", 1)) }));
      sim.addNode("n3", () => ({ count: 0, onMessage() { (this as { count: number }).count++; } }));
      sim.start();
      return sim;
    };
    const a = explore({ setUp: world, maxDepth: 10 });
    const b = explore({ setUp: world, maxDepth: 10, strategy: "dfs" });
    expect(a.complete && b.complete).toBe(true);
    // Pending messages are a multiset: 0, 1, 2 or 3 of the identical messages delivered.
    expect(a.states).toBe(4);
    expect(b.states).toBe(4);
    expect(explore({ setUp: world, maxDepth: 10 })).toMatchObject({ states: a.states, transitions: a.transitions });
  });

  it("drops, duplicates and crashes only within its fault budget", () => {
    // n1 sends once; n2 must receive it exactly once and n1 must stay up.
    const world = (chooser: Chooser) => {
      const sim = new Simulation({ seed: 1, chooser });
      let got = 0;
      sim.addNode("n1", (ctx: NodeContext) => ({ onStart: () => ctx.send("n2", "m") }));
      sim.addNode("n2", () => ({
        onMessage() {
          if (++got > 1) throw new Violation("n2 got the message twice", { time: sim.now });
        },
      }));
      sim.afterEachStep(() => {
        if (!sim.isUp("n1")) throw new Violation("n1 crashed", { time: sim.now });
      });
      sim.start();
      return sim;
    };
    expect(explore({ setUp: world, maxDepth: 4 }).violation).toBeUndefined();
    expect(explore({ setUp: world, maxDepth: 4, faults: { drops: 1 } }).violation).toBeUndefined();
    const dup = explore({ setUp: world, maxDepth: 4, faults: { duplicates: 1 } });
    expect(dup.violation?.schedule.map((s) => s.what)).toEqual(['duplicate n1 -> n2 "m"', 'deliver n1 -> n2 "m"', 'deliver n1 -> n2 "m"']);
    const crash = explore({ setUp: world, maxDepth: 4, faults: { crashes: 1, crashable: ["n1"] } });
    expect(crash.violation?.schedule.map((s) => s.what)).toEqual(["crash n1"]);
  });
});

describe("findCycle", () => {
  /** n1 and n2 bounce a counter forever unless n2 is told to stop; progress = the counter reaches 100. */
  const pingPong = (chooser: Chooser) => {
    const sim = new Simulation({ seed: 1, chooser });
    const node = (peer: string) => (ctx: NodeContext) => ({
      last: 0,
      onStart() {
        if (ctx.id === "n1") ctx.send(peer, 1);
      },
      onMessage(_from: string, msg: Json) {
        (this as { last: number }).last = msg as number;
        ctx.send(peer, (msg as number) + 1);
      },
    });
    sim.addNode("n1", node("n2"));
    sim.addNode("n2", node("n1"));
    sim.start();
    return sim;
  };
  const progress = (sim: Simulation) => ((sim.handlersOf("n1") as unknown as { last: number } | null)?.last ?? 0) >= 100;

  it("finds a loop that repeats with growing numbers, and pumps it", () => {
    const result = findCycle({ setUp: pingPong, progress, maxDepth: 20 });
    expect(result.cycle).toBeDefined();
    expect(result.cycle!.loop.length).toBe(2);
    const sim = pumpLoop(pingPong, result.cycle!, 5, progress);
    expect(sim).not.toBeNull();
  });

  it("reports no loop when every path makes progress", () => {
    const result = findCycle({ setUp: pingPong, progress: () => true, maxDepth: 20 });
    expect(result.cycle).toBeUndefined();
  });
});

describe("Simulation chooser interventions", () => {
  it("records drops and duplicates as actions, and a replay of choices and actions is identical", () => {
    const run = (decide: (pending: readonly { kind: string }[], step: number) => ReturnType<Chooser>) => {
      const events: unknown[] = [];
      const sim = new Simulation({ seed: 3, chooser: decide as Chooser });
      sim.listen((e) => events.push(e));
      sim.addNode("a", (ctx: NodeContext) => ({ onStart: () => { ctx.send("b", 1); ctx.send("b", 2); } }));
      sim.addNode("b", () => ({ onMessage() {} }));
      sim.start();
      sim.run();
      return { sim, events };
    };
    let calls = 0;
    const first = run(() => (++calls === 1 ? { duplicate: 0 } : calls === 2 ? { drop: 1 } : 0));
    expect(first.sim.actions).toEqual([
      { step: 0, action: { duplicate: 0 } },
      { step: 0, action: { drop: 1 } },
    ]);
    expect(first.sim.stats).toMatchObject({ delivered: 2, dropped: 1, duplicated: 1 });
    const choices = [...first.sim.choices];
    const actions = [...first.sim.actions];
    const again = run((_p, step) => {
      const action = actions[0];
      if (action !== undefined && action.step === step) return actions.shift()!.action;
      return choices[step] as number;
    });
    expect(again.events).toEqual(first.events);
  });
});
