/**
 * Lab 2: what the grader loads. Keep these export names; write your code in coordinator.ts and
 * worker.ts. Run `npm run lab 2` to grade it.
 */
export { createCoordinator } from "./coordinator.js";
export { createWorker } from "./worker.js";
