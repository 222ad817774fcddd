/**
 * Checker benchmarks (called from `npm run bench`): time to check Porcupine's fixtures, per group,
 * next to Porcupine's own times on this kind of machine, and list-append transactions checked per
 * second (Elle reports 100-160k/s). Medians over BENCH_RUNS runs (default 5) after a warm-up.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseHistory, type RecordedOp } from "../check/history-formats/index.js";
import { checkIsolation } from "../check/isolation/index.js";
import { type AnyModel, casRegisterModel, checkLinearizability, kvModel, type LinearizabilityOptions } from "../check/linearizability/index.js";

const FIXTURES = fileURLToPath(new URL("../../../shared/fixtures/", import.meta.url));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Wall-clock and CPU-time medians (CPU time is steadier when the machine is shared). */
function timeRuns(runs: number, fn: () => void): { median: number; cpu: number; all: number[] } {
  fn(); // warm-up
  const all: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    fn();
    all.push(performance.now() - started);
    const used = process.cpuUsage(cpu0);
    cpu.push((used.user + used.system) / 1000);
  }
  return { median: median(all), cpu: median(cpu), all };
}

const fmt = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

/** A correct list-append history: `processes` clients, transactions applied atomically at a random point while open. */
export function syntheticListAppend(transactions: number, processes = 10, seed = 1): RecordedOp[] {
  let x = seed >>> 0 || 1;
  const rand = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
  const lists = new Map<number, number[]>();
  let keyBase = 0;
  let next = 0;
  const history: RecordedOp[] = [];
  const open: ({ value: [string, number, unknown][]; applied: [string, number, unknown][] | null } | null)[] = new Array(processes).fill(null);
  let started = 0;
  let done = 0;
  while (done < transactions) {
    const p = Math.floor(rand() * processes);
    const o = open[p];
    if (!o) {
      if (started >= transactions) continue;
      started++;
      const mops: [string, number, unknown][] = [];
      for (let i = 0, n = 1 + Math.floor(rand() * 4); i < n; i++) {
        const k = keyBase + Math.floor(rand() * 8);
        mops.push(rand() < 0.5 ? ["append", k, next++] : ["r", k, null]);
      }
      open[p] = { value: mops, applied: null };
      history.push({ index: history.length, type: "invoke", process: String(p), f: "txn", value: mops as never });
      continue;
    }
    if (!o.applied) {
      o.applied = o.value.map(([f, k, v]) => {
        const list = lists.get(k) ?? [];
        if (f === "append") {
          list.push(v as number);
          lists.set(k, list);
          return [f, k, v];
        }
        return [f, k, [...list]];
      });
      // Retire keys now and then so lists stay short, as Elle's generator does.
      if (rand() < 0.02) keyBase++;
      continue;
    }
    history.push({ index: history.length, type: "ok", process: String(p), f: "txn", value: o.applied as never });
    open[p] = null;
    done++;
  }
  return history;
}

export async function benchCheckers(): Promise<void> {
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  console.log(`\nHistory checkers, median of ${runs} runs (after one warm-up); load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  if (!existsSync(FIXTURES)) {
    console.log(`fixtures not found at ${FIXTURES}: Porcupine timings skipped`);
  } else {
    const read = (p: string): RecordedOp[] => parseHistory(readFileSync(`${FIXTURES}${p}`, "utf8")).ops;
    const etcdFiles = readdirSync(`${FIXTURES}porcupine/jepsen`).filter((f) => f.endsWith(".log")).sort();
    const etcdText = etcdFiles.map((f) => readFileSync(`${FIXTURES}porcupine/jepsen/${f}`, "utf8"));
    const etcd = etcdText.map((t) => parseHistory(t).ops);
    const line = (name: string, r: { median: number; cpu: number; all: number[] }, target: string): void =>
      console.log(
        `${name.padEnd(52)} ${fmt(r.median).padStart(8)} (cpu ${fmt(r.cpu)})   Porcupine ${target.padEnd(7)} ${r.median <= Number.parseFloat(target) * 1000 ? "(met)" : "(MISSED)"}  runs: ${r.all.map(fmt).join(", ")}`,
      );
    const all = (model: AnyModel, hs: RecordedOp[][], options: LinearizabilityOptions = {}) => () => {
      for (const h of hs) checkLinearizability(h, model, options);
    };
    let t = timeRuns(runs, all(casRegisterModel, etcd));
    line(`etcd, ${etcd.length} files (check only)`, t, "1.0 s");
    t = timeRuns(runs, () => {
      for (const text of etcdText) checkLinearizability(parseHistory(text).ops, casRegisterModel);
    });
    line(`etcd, ${etcd.length} files (parse + check)`, t, "1.0 s");
    const kv = (f: string): RecordedOp[] => read(`porcupine/kv/${f}`);
    for (const [f, partition, target] of [
      ["c50-ok.txt", true, "0.34 s"],
      ["c50-bad.txt", true, "0.06 s"],
      ["c10-ok.txt", false, "3.6 s"],
      ["c10-bad.txt", false, "3.7 s"],
    ] as const) {
      const h = kv(f);
      t = timeRuns(runs, all(kvModel, [h], { partition }));
      line(`kv ${f} ${partition ? "(per-key partitions)" : "(no partitioning)"}`, t, target);
    }
    const rest = ["c01-ok.txt", "c01-bad.txt", "c10-ok.txt", "c10-bad.txt", "c50-ok.txt", "c50-bad.txt"].map(kv);
    t = timeRuns(runs, () => {
      all(casRegisterModel, etcd)();
      all(kvModel, rest)();
    });
    console.log(`${"whole Porcupine set (102 etcd + 6 kv, partitioned)".padEnd(52)} ${fmt(t.median).padStart(8)} (cpu ${fmt(t.cpu)})`);
  }

  const txns = 50_000;
  const history = syntheticListAppend(txns);
  const t = timeRuns(runs, () => {
    const r = checkIsolation(history, { workload: "list-append" });
    if (r.verdict !== "ok") throw new Error(`benchmark history should be valid, got ${r.anomalyTypes.join(", ")}`);
  });
  const rate = txns / (t.median / 1000);
  const cpuRate = txns / (t.cpu / 1000);
  console.log(
    `${`list-append, ${txns.toLocaleString("en-US")} transactions (strict-serializable)`.padEnd(52)} ${fmt(t.median).padStart(8)} (cpu ${fmt(t.cpu)})   ` +
      `${Math.round(rate).toLocaleString("en-US")} txns/s wall, ${Math.round(cpuRate).toLocaleString("en-US")} per CPU-second (target >= 100,000: ${rate >= 100_000 ? "met" : "MISSED"})`,
  );
}

// Standalone: `npx tsx grader/bench/checkers.ts`.
if (process.argv[1]?.endsWith("bench/checkers.ts")) {
  benchCheckers().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
