/**
 * Sample submissions for a lab, as an instructor would receive them: the reference solution, every
 * bug-zoo variant, and one broken submission of each kind the batch grader must survive. Each is a
 * self-contained folder holding `labs/<lab>/` (a copy of the reference with one change), because graded
 * code may not read solutions-private/. `npm run grade -- --lab N --self-test` grades them and checks
 * every result against what it should be.
 *
 * Needs solutions-private/ (the reference and its bug zoo), so it works in the course repository, not
 * in the student export.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import type { BugVariant } from "../runner/bug-zoo.js";
import type { LabSuite } from "../runner/suite.js";
import { REPO_ROOT } from "../runner/typecheck.js";
import { attacksFor, type Attack } from "./attacks.js";
import type { Status } from "./status.js";

/** What a sample's grading must show. */
export type Expectation =
  | { kind: "reference" }
  | { kind: "bug"; mistake: string; mustFail: string[] }
  | { kind: "broken"; status: Status }
  | { kind: "attack"; attack: Attack };

export interface Sample {
  /** Folder name, and so its submission id. */
  name: string;
  path: string;
  expect: Expectation;
}

/** Misbehaviour put into the lab's exports: the status it must earn, and the statement that does it. */
const MISBEHAVIOUR: Record<string, { status: Status; body: (lab: string) => string; topLevel?: string }> = {
  hangs: { status: "timeout", body: () => "for (;;) {}" },
  "out-of-memory": { status: "out-of-memory", body: () => "const hoard: unknown[] = [];\n  for (;;) hoard.push(new Array(100_000).fill(hoard.length));" },
  // Confined code's console goes to the trace as the node's log; past 8 MB in one run the seed fails.
  "floods-output": { status: "output-flood", body: () => `for (let i = 0; i < 20; i++) console.log("#".repeat(512 * 1024));` },
  // Confined code has no process: each of these is refused, at the bundle or when it runs.
  "process-exit": { status: "forbidden-access", body: () => "process.exit(1);" },
  "reads-reference": {
    status: "forbidden-access",
    body: (lab) => `fs.readFileSync(${JSON.stringify(join(REPO_ROOT, "solutions-private", lab, "index.ts"))}, "utf8");`,
    topLevel: `import * as fs from "node:fs";`,
  },
  "reads-instructor-tests": {
    status: "forbidden-access",
    body: (lab) => `fs.readFileSync(${JSON.stringify(join(REPO_ROOT, "solutions-private", lab, "instructor-suite.ts"))}, "utf8");`,
    topLevel: `import * as fs from "node:fs";`,
  },
  "spawns-process": { status: "forbidden-access", body: () => `execSync("cat /etc/passwd");`, topLevel: `import { execSync } from "node:child_process";` },
  "writes-outside": { status: "forbidden-access", body: () => `fs.writeFileSync(${JSON.stringify(join(tmpdir(), "ds-course-escaped"))}, "x");`, topLevel: `import * as fs from "node:fs";` },
};

/** The lab's bug zoo, from solutions-private/<lab>/bugs/index.ts. */
export async function bugZoo(lab: string): Promise<BugVariant[]> {
  const registry = join(REPO_ROOT, "solutions-private", lab, "bugs", "index.ts");
  if (!existsSync(registry)) {
    throw new Error(`the reference solution and bug zoo are not part of this copy of the course (${relative(process.cwd(), registry)} is missing)`);
  }
  return ((await import(pathToFileURL(registry).href)) as { BUGS: BugVariant[] }).BUGS;
}

/** Writes every sample under `dir` (created) and returns them: the reference first, then the bugs, the broken, the attacks. */
export async function writeSamples(suite: LabSuite<unknown>, dir: string): Promise<Sample[]> {
  const { lab } = suite;
  const samples: Sample[] = [];
  const bugs = await bugZoo(lab);
  const write = (name: string, index: string | null, expectation: Expectation) => {
    samples.push({ name, path: writeSubmission(join(dir, name), lab, index), expect: expectation });
  };

  write("reference", null, { kind: "reference" });
  for (const bug of bugs) {
    write(`bug-${bug.name}`, bugIndex(bug), { kind: "bug", mistake: bug.mistake, mustFail: bug.expectedToFail });
  }

  const names = Object.keys(suite.exports);
  write("broken-compile-error", `export * from "./reference.js";\nexport const unfinished = ;\n`, { kind: "broken", status: "compile-error" });
  write("broken-import-throws", `export * from "./reference.js";\nthrow new Error("settings.json not found");\n`, { kind: "broken", status: "import-error" });
  write("broken-missing-export", `export { ${names.slice(1).join(", ")} } from "./reference.js";\n`, { kind: "broken", status: "missing-export" });
  for (const [name, { status, body, topLevel }] of Object.entries(MISBEHAVIOUR)) {
    write(`broken-${name}`, misbehaving(suite, body(lab), topLevel), { kind: "broken", status });
  }
  for (const attack of attacksFor(suite, bugs)) write(`attack-${attack.name}`, attack.index, { kind: "attack", attack });
  return samples;
}

/**
 * Writes `<path>/labs/<lab>/`: a copy of the reference solution (without its bug zoo or instructor-only
 * tests) whose index.ts, when `index` is given, is replaced by `index`, the reference's own becoming
 * reference.ts. Returns `path`.
 */
export function writeSubmission(path: string, lab: string, index: string | null): string {
  const folder = join(path, "labs", lab);
  mkdirSync(folder, { recursive: true });
  cpSync(join(REPO_ROOT, "solutions-private", lab), folder, { recursive: true, filter: (from) => !/\/bugs(\/|$)|\/instructor-suite\.ts$/.test(from) });
  if (index !== null) {
    renameSync(join(folder, "index.ts"), join(folder, "reference.ts"));
    writeFileSync(join(folder, "index.ts"), index);
  }
  return path;
}

/**
 * A bug-zoo variant's index.ts, to sit beside a copy of the reference: the variant imports the reference
 * as "../../index.js" and its modules as "../../x.js", which there are "./reference.js" and "./x.js"
 * ("../../../../grader/" becomes "../../grader/", still the grader).
 */
export function bugIndex(bug: BugVariant): string {
  const source = readFileSync(join(REPO_ROOT, bug.dir, "index.ts"), "utf8");
  return source.replaceAll('"../../index.js"', '"./reference.js"').replaceAll('"../../', '"./');
}

/** An index.ts that re-exports the reference, with every export doing `body` first when used (and `topLevel` on import). */
function misbehaving(suite: LabSuite<unknown>, body: string, topLevel = ""): string {
  const lines = [
    `import * as reference from "./reference.js";`,
    `export * from "./reference.js";`,
    ...(topLevel ? [topLevel] : []),
    `function misbehave(): void {\n  ${body}\n}`,
  ];
  for (const [name, kind] of Object.entries(suite.exports)) {
    lines.push(
      kind === "class"
        ? `export class ${name} extends (reference.${name} as any) {\n  constructor(...args: any[]) {\n    super(...args);\n    misbehave();\n  }\n}`
        : `export function ${name}(...args: any[]): any {\n  misbehave();\n  return (reference.${name} as any)(...args);\n}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
