/**
 * Clients and histories: a workload client talks to a server over the simulated network and records
 * a Jepsen-style history (invoke, then ok / fail / info) with virtual times, which also lands in the trace.
 */
import { describe, expect, it } from "vitest";
import type { Json, NodeContext } from "../../grader/sim/api.js";
import { traced } from "./helpers.js";

describe("history", () => {
  it("records invoke/ok, and info for a request that timed out, with virtual times", () => {
    const { sim, events } = traced({ seed: 1, network: { latency: { kind: "constant", ms: 10 } } });
    let value: Json = null;
    sim.addNode("server", (ctx: NodeContext) => ({
      onMessage(from, msg) {
        const m = msg as { op: string; value?: Json };
        if (m.op === "write") value = m.value ?? null;
        ctx.send(from, { op: m.op, value });
      },
    }));
    sim.addNode(
      "client",
      (ctx: NodeContext) => ({
        onStart() {
          sim.history.invoke("c1", "write", 5);
          ctx.send("server", { op: "write", value: 5 });
          ctx.setTimer(100, "timeout");
        },
        onMessage(_from, msg) {
          if (sim.history.pending("c1")) sim.history.ok("c1", (msg as { value: Json }).value);
          sim.history.invoke("c1", "read", null);
          ctx.send("server", { op: "read" });
        },
        onTimer() {
          if (sim.history.pending("c1")) sim.history.info("c1");
        },
      }),
      { client: true },
    );
    sim.at(25, "cut the server off", () => sim.partition([["server"]]));
    sim.start();
    sim.run();
    expect(sim.history.entries.map((e) => [e.type, e.f, e.value, e.time])).toEqual([
      ["invoke", "write", 5, 0],
      ["ok", "write", 5, 20],
      ["invoke", "read", null, 20],
      ["info", "read", null, 100],
    ]);
    expect(events.filter((e) => e.type === "op")).toHaveLength(4);
    expect(sim.handlersOf("server")).not.toBeNull();
  });

  it("refuses a second operation from a process whose first is still open", () => {
    const { sim } = traced({ seed: 1 });
    sim.history.invoke("c1", "read");
    expect(() => sim.history.invoke("c1", "read")).toThrowError(/still open/);
    expect(() => sim.history.ok("c2")).toThrowError(/never invoked/);
  });
});
