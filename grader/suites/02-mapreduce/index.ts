/** Lab 2's suite: Part A the job itself, Part B faults, Part C stragglers and scale. */
import type { LabSuite } from "../../runner/suite.js";
import type { Lab2 } from "./interface.js";
import { tests } from "./tests.js";

export const suite: LabSuite<Lab2> = {
  lab: "02-mapreduce",
  unit: 2,
  title: "MapReduce and distributed storage",
  parts: {
    A: "A coordinator and workers",
    B: "Fault tolerance",
    C: "Stragglers and scale",
  },
  exports: {
    createCoordinator: "function",
    createWorker: "function",
  },
  tests,
};
