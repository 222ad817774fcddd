/** Reference solution for Lab 3: the exports the grader expects (see the lab's handout). */
export { createBroadcastNode } from "./broadcast.js";
export { GCounter, PNCounter, ORSet, LWWRegister } from "./crdts.js";
export { createCrdtNode } from "./crdt-node.js";
export { createSwimNode } from "./swim.js";
