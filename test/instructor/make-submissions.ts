/**
 * Lab 1 submissions for the batch-grading tests: the reference, every bug-zoo variant, and broken ones
 * whose breakage is confined to the reliable channel, so the clock tests still pass beside it (the
 * tests check exact scores). `npm run grade -- --self-test` uses the general samples
 * (grader/instructor/samples.ts), whose broken ones misbehave in every export.
 * Also a script: `npx tsx test/instructor/make-submissions.ts <dir>`.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bugIndex, writeSubmission } from "../../grader/instructor/samples.js";
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
  const write = (name: string, index: string | null) => {
    if (!which || which(name)) made.push(writeSubmission(join(dir, name), LAB, index));
  };
  write("reference", null);
  for (const bug of BUGS) write(`bug-${bug.name}`, bugIndex(bug));
  for (const [name, index] of Object.entries(BROKEN)) write(name, index);
  return made;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) throw new Error("usage: tsx test/instructor/make-submissions.ts <dir>");
  for (const path of makeSubmissions(dir)) process.stdout.write(`${path}\n`);
}
