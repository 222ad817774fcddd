/**
 * `npm run bench`: how fast the simulator delivers small messages, with and without a trace
 * listener; what confinement costs (confined.ts); how fast the history checkers are (checkers.ts).
 * Reports the median of several runs; absolute numbers on shared machines are noisy, so compare
 * ratios measured in the same run.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Simulation } from "../sim/simulation.js";
import type { NodeContext } from "../sim/api.js";
import { benchCheckers } from "./checkers.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const DELIVERIES = 1_000_000;

/** Nodes in a ring pass small messages along; 64 messages per node are always in flight. */
function ringRun(options: { traced: boolean; latency: "constant" | "uniform" }): number {
  const sim = new Simulation({
    seed: 1,
    maxEvents: DELIVERIES * 2,
    network: { latency: options.latency === "constant" ? { kind: "constant", ms: 5 } : { kind: "uniform", minMs: 1, maxMs: 20 } },
  });
  const nodes = ["n1", "n2", "n3", "n4", "n5"];
  let delivered = 0;
  for (const [i, id] of nodes.entries()) {
    const next = nodes[(i + 1) % nodes.length] as string;
    sim.addNode(id, (ctx: NodeContext) => ({
      onStart() {
        for (let k = 0; k < 64; k++) ctx.send(next, { type: "token", hops: 0 });
      },
      onMessage(_from, msg) {
        const m = msg as { type: string; hops: number };
        if (++delivered < DELIVERIES) ctx.send(next, { type: m.type, hops: m.hops + 1 });
      },
    }));
  }
  let events = 0;
  if (options.traced) sim.listen(() => events++);
  const started = performance.now();
  sim.start();
  sim.run();
  const seconds = (performance.now() - started) / 1000;
  return sim.stats.delivered / seconds;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function measure(name: string, fn: () => number): number {
  fn(); // warm-up
  const rates = Array.from({ length: RUNS }, fn);
  const m = median(rates);
  console.log(`${name.padEnd(48)} median ${Math.round(m).toLocaleString("en-US").padStart(11)} deliveries/s  (runs: ${rates.map((r) => (r / 1e6).toFixed(2)).join(", ")} M/s)`);
  return m;
}

console.log(`Simulator throughput, ${DELIVERIES.toLocaleString("en-US")} deliveries per run, median of ${RUNS}`);
const base = measure("ring, constant latency, no listener", () => ringRun({ traced: false, latency: "constant" }));
const uniform = measure("ring, uniform latency (reordering), no listener", () => ringRun({ traced: false, latency: "uniform" }));
const traced = measure("ring, constant latency, trace listener", () => ringRun({ traced: true, latency: "constant" }));
console.log(`ratios vs. baseline: uniform ${(uniform / base).toFixed(2)}, traced ${(traced / base).toFixed(2)}`);
console.log(base >= 1_000_000 ? "target met: >= 1,000,000 deliveries/s" : "TARGET MISSED: < 1,000,000 deliveries/s");

// Suite wall times directly and confined, and the ring confined: in a process of their own, since
// confinement locks down the realm it runs in (confined.ts).
console.log();
const confined = spawnSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "confined.ts")], { stdio: "inherit", env: process.env });
if (confined.status !== 0) process.exitCode = 1;

console.log();
await benchCheckers();
