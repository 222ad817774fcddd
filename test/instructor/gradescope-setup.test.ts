/**
 * The autograder's setup.sh for real, as Gradescope runs it when it builds the image: it downloads
 * Node 24 and npm 11 from the npm registry and installs the course's dependencies, then
 * run_autograder grades a submission with that Node. It needs the network and takes minutes (about
 * 2.5 on this project's machines, most of it downloading), so it runs only when asked:
 *
 *   DS_COURSE_SETUP_TEST=1 npx vitest run test/instructor/gradescope-setup.test.ts
 *
 * The rest of the autograder (results.json for every kind of submission) is tested without the network
 * in gradescope.test.ts.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildAutograder, type GradescopeResults } from "../../grader/instructor/gradescope.js";
import { readZip } from "../../grader/instructor/zip.js";
import { findLab, type LabEntry } from "../../grader/suites/index.js";
import { makeSubmissions } from "./make-submissions.js";

// Skipped unless asked for: it needs the network and takes minutes (see the comment at the top).
describe.skipIf(process.env.DS_COURSE_SETUP_TEST !== "1")("setup.sh on a fresh image (DS_COURSE_SETUP_TEST=1)", () => {
  it("installs Node 24 from the npm registry and the dependencies; run_autograder then grades with it", () => {
    const root = mkdtempSync(join(tmpdir(), "gradescope-setup-"));
    try {
      const source = join(root, "source");
      for (const entry of readZip(buildAutograder({ entry: findLab("1") as LabEntry, seeds: 1, only: ["lamport-rules", "channel-basic"] }))) {
        const target = join(source, entry.name);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, entry.data);
        if (entry.mode !== undefined) chmodSync(target, entry.mode);
      }
      // Whatever Node this machine has, setup.sh installs its own (as on an image without Node 24).
      const env = { HOME: process.env.HOME ?? root, PATH: "/usr/local/bin:/usr/bin:/bin", DS_COURSE_FORCE_NODE_INSTALL: "1" };
      const log = execFileSync("bash", [join(source, "setup.sh")], { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      expect(log).toMatch(/node v24\.\d+\.\d+, npm 11\.\d+\.\d+/);

      const [reference] = makeSubmissions(join(root, "subs"), (name) => name === "reference");
      cpSync(reference as string, join(root, "submission"), { recursive: true });
      execFileSync("bash", [join(source, "run_autograder")], { env: { ...env, AUTOGRADER_ROOT: root } });
      const results = JSON.parse(readFileSync(join(root, "results", "results.json"), "utf8")) as GradescopeResults;
      expect([results.score, results.tests.map((t) => t.status)]).toEqual([8, ["passed", "passed"]]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 600_000);
});
