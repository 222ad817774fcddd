/**
 * The course's labs. The registry lives in grader/runner/labs.ts, where the runner may depend on it;
 * this module keeps its old name for the CLI and tests that import it from here.
 */
export { findLab, LABS, type LabEntry } from "../runner/labs.js";
