/**
 * Tiny correct stores on the simulator, for property tests: a server that applies each request
 * atomically when it arrives (so every history it produces is linearizable / strict
 * serializable), and clients that time out (recording `info`) when the lossy network eats a
 * request or reply. Written values are unique, so stale reads can be injected afterwards.
 */
import type { Json, NodeContext } from "../../grader/sim/api.js";
import type { HistoryEntry } from "../../grader/sim/history.js";
import { Simulation } from "../../grader/sim/simulation.js";

type Request = { id: number; op: string; value: Json };

function run(seed: number, clients: number, opsPerClient: number, serve: (req: Request) => Json, nextOp: (ctx: NodeContext, client: number, n: number) => { f: string; value: Json }): HistoryEntry[] {
  const sim = new Simulation({ seed, network: { latency: { kind: "uniform", minMs: 1, maxMs: 30 }, loss: 0.05 } });
  sim.addNode("server", (ctx: NodeContext) => ({
    onMessage(from, msg) {
      const req = msg as Request;
      ctx.send(from, { id: req.id, value: serve(req) });
    },
  }));
  for (let c = 0; c < clients; c++) {
    const process = `c${c}`;
    sim.addNode(
      process,
      (ctx: NodeContext) => {
        let n = 0;
        let outstanding = -1;
        const issue = (): void => {
          if (n >= opsPerClient) return;
          const { f, value } = nextOp(ctx, c, n);
          outstanding = n++;
          sim.history.invoke(process, f, value);
          ctx.send("server", { id: outstanding, op: f, value });
          ctx.setTimer(100, outstanding);
        };
        return {
          onStart: () => ctx.setTimer(1 + Math.floor(ctx.random() * 10), "go"),
          onMessage(_from, msg) {
            const reply = msg as { id: number; value: Json };
            if (reply.id !== outstanding || !sim.history.pending(process)) return;
            const fail = reply.value !== null && typeof reply.value === "object" && !Array.isArray(reply.value) && (reply.value as { failed?: Json }).failed === true;
            if (fail) sim.history.fail(process);
            else sim.history.ok(process, reply.value);
            outstanding = -1;
            ctx.setTimer(Math.floor(ctx.random() * 10), "go");
          },
          onTimer(payload) {
            if (payload === "go") return issue();
            if (payload === outstanding && sim.history.pending(process)) {
              sim.history.info(process);
              outstanding = -1;
              issue();
            }
          },
        };
      },
      { client: true },
    );
  }
  sim.start();
  sim.run();
  return sim.history.entries;
}

/** A cas register: read, write (unique values), cas [from, to] (to unique). */
export function registerHistory(seed: number, clients = 3, opsPerClient = 12): HistoryEntry[] {
  let value: Json = null;
  return run(
    seed,
    clients,
    opsPerClient,
    (req) => {
      if (req.op === "read") return value;
      if (req.op === "write") return (value = req.value);
      const [from, to] = req.value as [Json, Json];
      if (value !== from) return { failed: true };
      value = to;
      return req.value;
    },
    (ctx, c, n) => {
      const r = ctx.random();
      const unique = 100 * (c + 1) + n;
      if (r < 0.45) return { f: "read", value: null };
      if (r < 0.8) return { f: "write", value: unique };
      return { f: "cas", value: [100 * Math.floor(ctx.random() * 3 + 1) + Math.floor(ctx.random() * 3), unique] };
    },
  );
}

/** List-append transactions over a few keys, each applied atomically. */
export function listAppendHistory(seed: number, clients = 4, opsPerClient = 15): HistoryEntry[] {
  const lists = new Map<number, number[]>();
  return run(
    seed,
    clients,
    opsPerClient,
    (req) =>
      (req.value as [string, number, Json][]).map(([f, k, v]) => {
        const list = lists.get(k) ?? [];
        if (f === "append") {
          lists.set(k, [...list, v as number]);
          return [f, k, v];
        }
        return [f, k, [...list]];
      }),
    (ctx, c, n) => {
      const mops: Json[] = [];
      const len = 1 + Math.floor(ctx.random() * 3);
      for (let i = 0; i < len; i++) {
        const k = Math.floor(ctx.random() * 3);
        mops.push(ctx.random() < 0.5 ? ["append", k, 1000 * (c + 1) + 10 * n + i] : ["r", k, null]);
      }
      return { f: "txn", value: mops };
    },
  );
}
