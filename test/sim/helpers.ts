/** Small node programs for the simulator's own tests. */
import type { Json, NodeContext, NodeHandlers, NodeId } from "../../grader/sim/api.js";
import { Simulation, type SimulationOptions } from "../../grader/sim/simulation.js";
import type { TraceEvent } from "../../grader/sim/trace.js";

/** A node that records what it receives and can be told to send. */
export interface Recorder extends NodeHandlers {
  received: { from: NodeId; msg: Json; at: number }[];
  ctx: NodeContext;
}

export function recorder(ctx: NodeContext): Recorder {
  const node: Recorder = {
    ctx,
    received: [],
    onMessage(from, msg) {
      node.received.push({ from, msg, at: ctx.now() });
    },
  };
  return node;
}

export function traced(options: SimulationOptions): { sim: Simulation; events: TraceEvent[] } {
  const sim = new Simulation(options);
  const events: TraceEvent[] = [];
  sim.listen((e) => events.push(e));
  return { sim, events };
}

/** Makes `from` send `msg` to `to` at time `at`. */
export function sendAt(sim: Simulation, at: number, from: NodeId, to: NodeId, msg: Json): void {
  sim.callAt(at, from, `send to ${to}`, (n: Recorder) => n.ctx.send(to, msg));
}
