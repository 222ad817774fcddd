/** Lab 4's suite: Part A single-decree Paxos (safety), Part B liveness, Part C Ben-Or. */
import type { LabSuite } from "../../runner/suite.js";
import { benOrTests } from "./ben-or-tests.js";
import type { Lab4 } from "./interface.js";
import { livenessTests, paxosTests } from "./paxos-tests.js";

export const suite: LabSuite<Lab4> = {
  lab: "04-consensus",
  unit: 4,
  title: "Consensus and FLP",
  parts: {
    A: "Single-decree Paxos: safety",
    B: "Liveness after stabilization",
    C: "Ben-Or's randomized consensus",
  },
  exports: {
    createPaxosNode: "function",
    createBenOrNode: "function",
  },
  tests: [...paxosTests, ...livenessTests, ...benOrTests],
};
