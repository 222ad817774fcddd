/**
 * Lab 3: what the grader loads. Keep these export names; write your code in broadcast.ts (Part A),
 * crdts.ts and crdt-node.ts (Part B) and swim.ts (Part C). Run `npm run lab 3` to grade it.
 */
export { createBroadcastNode } from "./broadcast.js";
export { GCounter, PNCounter, ORSet, LWWRegister } from "./crdts.js";
export { createCrdtNode } from "./crdt-node.js";
export { createSwimNode } from "./swim.js";
