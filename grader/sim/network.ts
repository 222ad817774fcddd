/**
 * The network's conditions: how long a message takes, and how often it is lost or duplicated.
 * Reordering is not a separate knob: it happens whenever latency varies, exactly as on real networks.
 * Partitions live in the simulation (they are about which links are cut, not about link quality).
 */
import type { Random } from "./random.js";

/** A latency distribution, in milliseconds. Samples are rounded to whole milliseconds. */
export type Latency =
  | { kind: "constant"; ms: number }
  | { kind: "uniform"; minMs: number; maxMs: number }
  /** `minMs` plus an exponential delay with mean `meanMs`. */
  | { kind: "exponential"; minMs: number; meanMs: number }
  /** Pareto: usually near `minMs`, occasionally very slow (capped at `maxMs`). Smaller alpha = longer tail. */
  | { kind: "long-tail"; minMs: number; alpha: number; maxMs: number };

export interface NetworkConditions {
  latency: Latency;
  /** Probability that a message is lost. */
  loss: number;
  /** Probability that a message is delivered twice (each copy with its own latency). */
  duplicate: number;
}

export const RELIABLE_NETWORK: NetworkConditions = {
  latency: { kind: "constant", ms: 5 },
  loss: 0,
  duplicate: 0,
};

export function sampleLatency(latency: Latency, rng: Random): number {
  switch (latency.kind) {
    case "constant":
      return latency.ms;
    case "uniform":
      return latency.minMs + Math.round(rng.next() * (latency.maxMs - latency.minMs));
    case "exponential":
      return latency.minMs + Math.round(-Math.log(1 - rng.next()) * latency.meanMs);
    case "long-tail": {
      const sample = latency.minMs / Math.pow(1 - rng.next(), 1 / latency.alpha);
      return Math.min(latency.maxMs, Math.round(sample));
    }
  }
}

/** Checks conditions a suite or fault schedule supplies, so a typo fails loudly rather than silently. */
export function validateConditions(c: NetworkConditions): void {
  const probability = (name: string, p: number) => {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`network ${name} must be a probability in [0, 1], got ${p}`);
  };
  probability("loss", c.loss);
  probability("duplicate", c.duplicate);
  const l = c.latency;
  const values =
    l.kind === "constant" ? [l.ms] : l.kind === "uniform" ? [l.minMs, l.maxMs] : l.kind === "exponential" ? [l.minMs, l.meanMs] : [l.minMs, l.maxMs, l.alpha];
  if (values.some((v) => !(v >= 0) || !Number.isFinite(v))) {
    throw new RangeError(`latency ${JSON.stringify(l)} must use finite, non-negative numbers`);
  }
}
