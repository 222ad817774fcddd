/**
 * `npm run bench`, confinement section (its own process: confinement locks down the realm it runs in).
 * Measures, in one run, what confining lab code costs: each lab's suite against its reference, imported
 * directly (as before confinement) and then confined (as every grading run is: a bundle evaluated in
 * a locked-down SES realm, a fresh instance of the lab's modules per node incarnation); and the ring
 * of bench.ts with its nodes written as a lab and confined. Reports medians and ratios.
 */
import { join } from "node:path";
import { bundleImplementation } from "../runner/bundle.js";
import { confinedImplementation } from "../runner/confined-impl.js";
import { ConfinedLab, lockDownRealm } from "../runner/confinement.js";
import { LABS } from "../runner/labs.js";
import { runSeed } from "../runner/run-seed.js";
import { practiceSeeds } from "../runner/run-suite.js";
import type { LabSuite } from "../runner/suite.js";
import { REPO_ROOT } from "../runner/typecheck.js";
import type { NodeContext } from "../sim/api.js";
import { Simulation } from "../sim/simulation.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const DELIVERIES = 1_000_000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Medians need warm code: one run first, not counted. */
function timed(run: () => number): number[] {
  run();
  return Array.from({ length: RUNS }, run);
}

/** Wall time of the whole suite on its practice seeds, `implFor(seed)` giving each seed its implementation. */
function suiteTime(suite: LabSuite<unknown>, implFor: (seed: number) => unknown): number {
  const started = performance.now();
  for (const test of suite.tests) {
    for (const seed of practiceSeeds(test)) {
      const result = runSeed(suite, test, implFor(seed), seed);
      if (!result.passed) throw new Error(`reference failed ${test.id} on seed ${seed}: ${result.message}`);
    }
  }
  return performance.now() - started;
}

const labs = [];
for (const entry of LABS) {
  if (!entry.load) continue;
  const suite = (await entry.load()) as LabSuite<unknown>;
  const dir = join(REPO_ROOT, "solutions-private", entry.lab);
  let direct: unknown;
  try {
    direct = await import(join(dir, "index.ts"));
  } catch {
    console.log(`${entry.lab}: no reference solution in this copy of the course; skipped`);
    continue;
  }
  labs.push({ entry, suite, direct, bundle: await bundleImplementation(dir, `solutions-private/${entry.lab}`) });
}
const ringBundle = await bundleImplementation(join(import.meta.dirname, "ring-lab"), "grader/bench/ring-lab");

// Unconfined first: after lockdown the realm stays locked.
const before = new Map(labs.map(({ entry, suite, direct }) => [entry.lab, timed(() => suiteTime(suite, () => direct))]));
lockDownRealm();
console.log(`Suite wall time, reference solution, practice seeds, one process: imported directly vs confined, median of ${RUNS}`);
const ratios: number[] = [];
for (const { entry, suite, bundle } of labs) {
  const lab = new ConfinedLab(bundle);
  const confined = timed(() => suiteTime(suite, (seed) => confinedImplementation(lab, { seed, exports: suite.exports }).impl));
  const [was, now] = [median(before.get(entry.lab) as number[]), median(confined)];
  ratios.push(now / was);
  console.log(`${entry.lab.padEnd(20)} direct ${String(Math.round(was)).padStart(6)} ms   confined ${String(Math.round(now)).padStart(6)} ms   ratio ${(now / was).toFixed(2)}`);
}
const worst = Math.max(...ratios);
console.log(worst <= 1.5 ? `target met: every suite within 1.5x (worst ${worst.toFixed(2)})` : `TARGET MISSED: a suite takes ${worst.toFixed(2)}x (target 1.5x)`);

/** bench.ts's ring, each node an instance of ring-lab confined like a learner's node. */
function confinedRing(): number {
  const lab = new ConfinedLab(ringBundle);
  const { impl } = confinedImplementation(lab, { seed: 1, exports: { createRingNode: "function" } });
  const create = (impl as { createRingNode(ctx: NodeContext, next: string, limit: number): object }).createRingNode;
  const sim = new Simulation({ seed: 1, maxEvents: DELIVERIES * 2, network: { latency: { kind: "constant", ms: 5 } } });
  const nodes = ["n1", "n2", "n3", "n4", "n5"];
  for (const [i, id] of nodes.entries()) sim.addNode(id, (ctx) => create(ctx, nodes[(i + 1) % nodes.length] as string, DELIVERIES / nodes.length));
  const started = performance.now();
  sim.start();
  sim.run();
  return sim.stats.delivered / ((performance.now() - started) / 1000);
}
confinedRing(); // warm-up
const rates = Array.from({ length: RUNS }, confinedRing);
const rate = median(rates);
console.log(
  `\n${"ring, constant latency, confined nodes".padEnd(48)} median ${Math.round(rate).toLocaleString("en-US").padStart(11)} deliveries/s  (runs: ${rates.map((r) => (r / 1e6).toFixed(2)).join(", ")} M/s)`,
);
console.log(rate >= 1_000_000 ? "target met: >= 1,000,000 deliveries/s with confinement on" : "TARGET MISSED: < 1,000,000 deliveries/s with confinement on");
