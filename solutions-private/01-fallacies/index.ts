/** Reference solution for Lab 1: the exports the grader expects (see the lab's handout). */
export { LamportClock, VectorClock, compareVectors, mergeVectors, compareLamport } from "./clocks.js";
export { createChannelNode } from "./channel.js";
export { createCausalNode } from "./causal.js";
