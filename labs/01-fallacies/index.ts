/**
 * Lab 1: what the grader loads. Keep these export names; write your code in clocks.ts (Part A),
 * channel.ts (Part B) and causal.ts (Part C). Run `npm run lab 1` to grade it.
 */
export { LamportClock, VectorClock, compareVectors, mergeVectors, compareLamport } from "./clocks.js";
export { createChannelNode } from "./channel.js";
export { createCausalNode } from "./causal.js";
