/** Reference solution for Lab 5: the export the grader expects (see the lab's handout). */
export { createRaftNode } from "./raft.js";
