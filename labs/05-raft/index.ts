/**
 * Lab 5: what the grader loads. Keep this export name; write your code in raft.ts.
 * Run `npm run lab 5` to grade it.
 */
export { createRaftNode } from "./raft.js";
