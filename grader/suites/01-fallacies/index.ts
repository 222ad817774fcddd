/** Lab 1's suite: Part A logical clocks, Part B a reliable channel, Part C causal broadcast. */
import type { LabSuite } from "../../runner/suite.js";
import { causalTests } from "./causal-tests.js";
import { channelTests } from "./channel-tests.js";
import { clockTests } from "./clock-tests.js";
import type { Lab1 } from "./interface.js";

export const suite: LabSuite<Lab1> = {
  lab: "01-fallacies",
  unit: 1,
  title: "Fallacies, clocks and reliable delivery",
  parts: {
    A: "Lamport and vector clocks",
    B: "A reliable channel",
    C: "Causal broadcast",
  },
  exports: {
    LamportClock: "class",
    VectorClock: "class",
    compareVectors: "function",
    mergeVectors: "function",
    compareLamport: "function",
    createChannelNode: "function",
    createCausalNode: "function",
  },
  tests: [...clockTests, ...channelTests, ...causalTests],
};
