/**
 * Builds a folder of Lab 1 submissions as an instructor would receive them: the reference, every
 * bug-zoo variant, and one broken submission of each kind the batch grader must survive. Each is a
 * self-contained lab folder (a copy of the reference with one change), because graded code may not
 * read solutions-private/. Also a script: `npx tsx test/instructor/make-submissions.ts <dir>`.
 */
import { cpSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BUGS } from "../../solutions-private/01-fallacies/bugs/index.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const REFERENCE = join(REPO, "solutions-private/01-fallacies");
const LAB = "01-fallacies";

/** A broken kind: the code that replaces index.ts (the reference's own index is ./reference.js). */
const HEADER = `import type { Json, NodeContext, NodeId } from "../../grader/sim/api.js";
import type { ChannelApp, ChannelNode } from "../../grader/suites/01-fallacies/interface.js";
import { ReliableChannel } from "./channel.js";
export * from "./reference.js";
`;
const channel = (body: string) =>
  `${HEADER}
class Broken extends ReliableChannel {
  override onMessage(from: NodeId, msg: Json): void {
    ${body}
    super.onMessage(from, msg);
  }
}
export function createChannelNode(ctx: NodeContext, app: ChannelApp): ChannelNode {
  return new Broken(ctx, app);
}
`;

export const BROKEN: Record<string, string> = {
  "broken-compile-error": `export * from "./reference.js";\nexport const WINDOW = ;\n`,
  "broken-import-throws": `export * from "./reference.js";\nthrow new Error("settings.json not found");\n`,
  "broken-hangs": channel(`for (;;) {}`),
  "broken-out-of-memory": channel(`const hoard: unknown[] = [];\n    for (;;) hoard.push(new Array(100_000).fill(hoard.length));`),
  "broken-floods-output": channel(`console.log("packet from " + from + " " + "#".repeat(512 * 1024));`),
  "broken-process-exit": channel(`process.exit(1);`),
  "broken-reads-reference": channel(
    `(globalThis as any).process.getBuiltinModule("node:fs").readFileSync(${JSON.stringify(join(REFERENCE, "channel.ts"))}, "utf8");`,
  ),
  "broken-reads-instructor-tests": channel(
    `(globalThis as any).process.getBuiltinModule("node:fs").readFileSync(${JSON.stringify(join(REPO, "solutions-private/01-fallacies/instructor-suite.ts"))}, "utf8");`,
  ),
  "broken-spawns-process": channel(`(globalThis as any).process.getBuiltinModule("node:child_process").execSync("cat /etc/passwd");`),
  "broken-writes-outside": channel(`(globalThis as any).process.getBuiltinModule("node:fs").writeFileSync("/tmp/escaped-" + from, "x");`),
};

/** Writes one folder per submission under `dir` (each holding labs/01-fallacies/); returns their paths. */
export function makeSubmissions(dir: string, which?: (name: string) => boolean): string[] {
  const made: string[] = [];
  const write = (name: string, index: string) => {
    if (which && !which(name)) return;
    const lab = join(dir, name, "labs", LAB);
    mkdirSync(lab, { recursive: true });
    cpSync(REFERENCE, lab, { recursive: true, filter: (from) => !from.includes("/bugs") });
    if (index !== "") {
      renameSync(join(lab, "index.ts"), join(lab, "reference.ts"));
      writeFileSync(join(lab, "index.ts"), index);
    }
    made.push(join(dir, name));
  };
  write("reference", "");
  for (const bug of BUGS) {
    const source = readFileSync(join(REPO, bug.dir, "index.ts"), "utf8");
    write(`bug-${bug.name}`, source.replaceAll('"../../index.js"', '"./reference.js"').replaceAll('"../../', '"./'));
  }
  for (const [name, index] of Object.entries(BROKEN)) write(name, index);
  return made;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) throw new Error("usage: tsx test/instructor/make-submissions.ts <dir>");
  for (const path of makeSubmissions(dir)) process.stdout.write(`${path}\n`);
}
