/** Lab 5's suite: 5A leader election, 5B log replication, 5C persistence, 5D snapshots. */
import type { LabSuite } from "../../runner/suite.js";
import { electionTests } from "./election-tests.js";
import type { Lab5 } from "./interface.js";
import { persistenceTests } from "./persistence-tests.js";
import { replicationTests } from "./replication-tests.js";
import { snapshotTests } from "./snapshot-tests.js";

export const suite: LabSuite<Lab5> = {
  lab: "05-raft",
  unit: 5,
  title: "Raft",
  parts: {
    A: "Leader election",
    B: "Log replication",
    C: "Persistence",
    D: "Snapshots",
  },
  exports: {
    createRaftNode: "function",
  },
  tests: [...electionTests, ...replicationTests, ...persistenceTests, ...snapshotTests],
};
