import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Suites are CPU-bound simulations; two workers match this machine's two cores.
    maxWorkers: 2,
    testTimeout: 120_000,
  },
});
