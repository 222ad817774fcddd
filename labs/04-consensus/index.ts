/** Lab 4: the exports the grader expects. See README.md for the handout. */
export { createPaxosNode } from "./paxos.js";
export { createBenOrNode } from "./ben-or.js";
