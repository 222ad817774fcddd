/** Reference solution for Lab 4: the exports the grader expects (see the lab's handout). */
export { createPaxosNode } from "./paxos.js";
export { createBenOrNode } from "./ben-or.js";
