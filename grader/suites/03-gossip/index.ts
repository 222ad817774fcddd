/** Lab 3's suite: Part A broadcast by gossip, Part B state-based CRDTs, Part C a SWIM failure detector. */
import type { LabSuite } from "../../runner/suite.js";
import { broadcastTests } from "./broadcast-tests.js";
import { crdtTests } from "./crdt-tests.js";
import type { Lab3 } from "./interface.js";
import { swimTests } from "./swim-tests.js";

export const suite: LabSuite<Lab3> = {
  lab: "03-gossip",
  unit: 3,
  title: "Gossip, broadcast and CRDTs",
  parts: {
    A: "Broadcast by gossip",
    B: "State-based CRDTs",
    C: "A SWIM failure detector",
  },
  exports: {
    createBroadcastNode: "function",
    GCounter: "class",
    PNCounter: "class",
    ORSet: "class",
    LWWRegister: "class",
    createCrdtNode: "function",
    createSwimNode: "function",
  },
  tests: [...broadcastTests, ...crdtTests, ...swimTests],
};
