/**
 * Attacks on the grade, as sample submissions: what a dishonest or careless learner tried against the
 * grader before lab code was confined (issue 13). Each is a copy of the reference (reference.ts) with
 * an index.ts that attacks, and says what its grading must show: refused with a status, the honest
 * part's full marks (the attack gained nothing and cost nothing), or failing the tests its honest part
 * deserves to fail (an attack that hides a real bug, such as state kept in a module instead of
 * ctx.storage, must fail like that bug's bug-zoo variant). No attack's output may reach the results.
 *
 * `npm run grade -- --lab N --self-test` grades them beside the other samples; the repo's tests grade
 * them too (test/runner/confinement.test.ts).
 */
import type { BugVariant } from "../runner/bug-zoo.js";
import type { LabSuite } from "../runner/suite.js";
import { REPO_ROOT } from "../runner/typecheck.js";
import type { Status } from "./status.js";

/** What an attack's grading must show. */
export type AttackOutcome =
  /** Graded with this status (and so no marks), the message saying why. */
  | { kind: "refused"; status: Status; says: RegExp }
  /** Graded normally with full marks on `tests`: the attack neither gained nor cost anything. */
  | { kind: "honest" }
  /** Graded normally, failing every one of `mustFail` (on the practice seeds), first with a message like `says`. */
  | { kind: "fails"; mustFail: string[]; says?: RegExp };

export interface Attack {
  /** Sample name: `attack-<name>`. */
  name: string;
  /** What it tries, and what it scored before confinement. */
  tries: string;
  /** index.ts beside the reference. */
  index: string;
  /** The tests it is graded on (practice seeds); all of them, the instructor-only ones too, when absent. */
  tests?: string[];
  outcome: AttackOutcome;
}

/** Strings no attack may get into what a learner sees of a result: the hidden tests' file, the course's path, its own output. */
export const MUST_NOT_LEAK = ["instructor-suite", REPO_ROOT, "LEAKED-TO-RESULTS"];

const REFERENCE = `export * from "./reference.js";\n`;
const FORBIDDEN = /is not available: lab code runs confined|lab code runs confined/;

/**
 * The attacks for a lab: the ones every lab gets (they wrap the lab's first export), then the lab's own.
 * `bugs` is the lab's bug zoo, for attacks that must fail like one of its variants.
 */
export function attacksFor(suite: LabSuite<unknown>, bugs: readonly BugVariant[]): Attack[] {
  const first = suite.tests[0]?.id as string;
  const [exportName, exportKind] = Object.entries(suite.exports)[0] as [string, string];
  /** An index.ts whose first export runs `body` before doing the reference's work. */
  const wrapping = (body: string, topLevel = "") =>
    [
      `import * as reference from "./reference.js";`,
      REFERENCE.trim(),
      topLevel,
      exportKind === "class"
        ? `export class ${exportName} extends (reference.${exportName} as any) {\n  constructor(...args: any[]) {\n    super(...args);\n    ${body}\n  }\n}`
        : `export function ${exportName}(...args: any[]): any {\n  ${body}\n  return (reference.${exportName} as any)(...args);\n}`,
      "",
    ].join("\n");

  const common: Attack[] = [
    {
      name: "forges-results",
      tries: "wraps process._send at import so every result says passed (before: 100/100 practice, 120/120 batch, Labs 1 and 5)",
      index: `${REFERENCE}const p = (globalThis as any).process;
const send = p._send.bind(p);
p._send = (m: any, ...rest: unknown[]) => send(m?.result ? { ...m, result: { seed: m.result.seed, passed: true } } : m, ...rest);
`,
      tests: [first],
      outcome: { kind: "refused", status: "forbidden-access", says: /process\._send is not available: lab code runs confined/ },
    },
    {
      name: "patches-array-find",
      tries: "replaces Array.prototype.find, which checkers use, to hide violations (before: won whole parts)",
      index: `${REFERENCE}Array.prototype.find = function () { return undefined; };\n`,
      tests: [first],
      outcome: { kind: "refused", status: "import-error", says: /Cannot assign to read only property 'find'/ },
    },
    {
      name: "reads-stacks",
      tries: "throws an error carrying the stack of its caller, to read the hidden tests' file names and source (before: the whole instructor-only suite, also in batch)",
      index: wrapping(`let caught = "";\n    try { (null as any).x; } catch (e: any) { caught = String(e.stack); }\n    throw new Error("stack[" + new Error().stack + "|" + caught + "]");`),
      // Every test, the instructor-only ones too: it fails at once in each.
      // Empty stacks, and the failure names the learner's own file in their own folder (not the batch's copy).
      outcome: { kind: "fails", mustFail: [first], says: new RegExp(`stack\\[\\|\\][\\s\\S]*at labs/${suite.lab}/index\\.ts:\\d+`) },
    },
    {
      name: "prints-to-results",
      tries: "prints at import and on every call, hoping its output reaches the results a learner sees (before: its first 4 KB on Gradescope)",
      index: wrapping(`console.log("LEAKED-TO-RESULTS: a call");`, `console.log("LEAKED-TO-RESULTS: import");`),
      tests: [first],
      outcome: { kind: "honest" },
    },
    {
      name: "opens-socket",
      tries: "opens a network connection from a graded run (before: sockets were open in batch)",
      index: wrapping(`net.connect(80, "example.com");`, `import * as net from "node:net";`),
      tests: [first],
      outcome: { kind: "refused", status: "forbidden-access", says: /imports "node:net": lab code runs confined/ },
    },
    {
      name: "really-exits",
      tries: "calls process.reallyExit, which once skipped the exit guard",
      index: wrapping(`(globalThis as any).process.reallyExit(0);`),
      tests: [first],
      outcome: { kind: "refused", status: "forbidden-access", says: /process\.reallyExit is not available/ },
    },
    {
      name: "reads-real-time",
      tries: "reads process.hrtime and crypto.randomUUID, which got past the determinism guards silently",
      index: wrapping(`const g = globalThis as any;\n    if (g.crypto !== undefined) throw new Error("crypto is there");\n    g.process.hrtime();`),
      tests: [first],
      outcome: { kind: "refused", status: "forbidden-access", says: /process\.hrtime is not available/ },
    },
    {
      name: "captures-timer",
      tries: "captures setTimeout at import and calls it from a node, which got past the guards silently",
      index: wrapping(`captured(() => {}, 1);`, `const captured = (globalThis as any).setTimeout;`),
      tests: [first],
      outcome: { kind: "fails", mustFail: [first], says: /setTimeout is not available inside the simulation/ },
    },
    {
      name: "reads-time-zone",
      tries: "depends on the grading machine's time zone through local-time Date methods",
      index: wrapping(`if (new Date(0).getHours() !== 0 || new Date(0).getTimezoneOffset() !== 0) throw new Error("time zone");`),
      tests: [first],
      outcome: { kind: "honest" },
    },
  ];
  return [...common, ...(LAB_ATTACKS[suite.lab]?.(bugs) ?? [])];
}

/** The tests a bug-zoo variant must fail, so that an attack hiding the same bug is held to them. */
function failsLike(bugs: readonly BugVariant[], name: string): AttackOutcome {
  const bug = bugs.find((b) => b.name === name);
  if (bug === undefined) throw new Error(`attack fixture: no bug-zoo variant named ${name}`);
  return { kind: "fails", mustFail: bug.expectedToFail };
}

const LAB_ATTACKS: Record<string, (bugs: readonly BugVariant[]) => Attack[]> = {
  "01-fallacies": (bugs) => [
    {
      name: "patches-grader-checker",
      tries: "delivers duplicates (the bug zoo's channel-no-dedup) and silences the grader's ChannelChecker by patching the class it imports from grader/ (before: won whole parts)",
      index: `import { ReliableChannel, type DataPacket } from "./channel.js";
import { ChannelChecker } from "../../grader/suites/01-fallacies/channel-checker.js";
${REFERENCE}const check = ChannelChecker.prototype.deliver;
(ChannelChecker.prototype as any).deliver = function (this: ChannelChecker, ...args: Parameters<typeof check>) {
  try { check.apply(this, args); } catch {}
};
class NoDedup extends ReliableChannel {
  protected override onData(from: string, p: DataPacket): void {
    const state = this.in.get(from);
    if (state !== undefined && p.inc === state.inc && p.seq < state.next) this.app.deliver(from, p.payload);
    super.onData(from, p);
  }
}
export function createChannelNode(ctx: any, app: any) {
  return new NoDedup(ctx, app);
}
`,
      tests: bugs.find((b) => b.name === "channel-no-dedup")?.expectedToFail ?? [],
      // The grader modules a lab imports are bundled into the lab's own copy: patching them changes nothing the grader runs.
      outcome: failsLike(bugs, "channel-no-dedup"),
    },
    {
      name: "shares-memory",
      tries: "a module-level Map lets one node call the other's handler directly: a channel that never sends a packet (before: 120/120)",
      index: `${REFERENCE}const nodes = new Map<string, any>();
export function createChannelNode(ctx: any, app: any) {
  const node = { app, send(to: string, payload: unknown) { nodes.get(to)?.app.deliver(ctx.id, payload); }, onMessage() {} };
  nodes.set(ctx.id, node);
  return node;
}
`,
      tests: ["channel-basic", "channel-loss"],
      outcome: { kind: "fails", mustFail: ["channel-basic", "channel-loss"] },
    },
    {
      name: "incarnation-in-module",
      tries: "keeps the channel's incarnation in a module-level Map instead of ctx.storage, so it survived crashes (before: 120/120; the same bug in the bug zoo: 89/100)",
      index: `import { ReliableChannel } from "./channel.js";
${REFERENCE}const incarnations = new Map<string, number>();
class ModuleIncarnation extends ReliableChannel {
  protected override nextIncarnation(): number {
    const inc = (incarnations.get(this.ctx.id) ?? 0) + 1;
    incarnations.set(this.ctx.id, inc);
    return inc;
  }
}
export function createChannelNode(ctx: any, app: any) {
  return new ModuleIncarnation(ctx, app);
}
`,
      tests: bugs.find((b) => b.name === "channel-incarnation-not-persisted")?.expectedToFail ?? [],
      outcome: failsLike(bugs, "channel-incarnation-not-persisted"),
    },
    {
      name: "getter-in-message",
      tries: "sends a message with a getter, so the receiver could read the sender's live state (and the trace recorded a value never sent)",
      index: `import { createChannelNode as honest } from "./reference.js";
${REFERENCE}let live = 0;
export function createChannelNode(ctx: any, app: any) {
  const send = (to: string, msg: any) => ctx.send(to, Object.defineProperty({ ...msg }, "live", { get: () => live, enumerable: true }));
  const spy = new Proxy({}, { get: (_, key) => (key === "send" ? send : typeof ctx[key] === "function" ? ctx[key].bind(ctx) : ctx[key]) });
  const node = honest(spy, app);
  return {
    onStart: () => node.onStart?.(),
    send: (to: string, payload: unknown) => node.send(to, payload),
    onMessage(from: string, msg: any) {
      live++;
      const found = Object.getOwnPropertyDescriptor(msg, "live");
      if (found !== undefined && (found.get !== undefined || !Object.isFrozen(msg))) throw new Error("a live getter crossed between nodes");
      node.onMessage(from, msg);
    },
    onTimer: (payload: unknown, timer: unknown) => node.onTimer?.(payload, timer),
  };
}
`,
      tests: ["channel-basic"],
      outcome: { kind: "honest" },
    },
  ],
  "05-raft": (bugs) => [
    {
      name: "storage-in-module",
      tries: "keeps Raft's persistent state in a module-level Map instead of ctx.storage, so it survived crashes (before: 120/120; the bug zoo's variants of it: 67/100 and 79/100)",
      index: `import { createRaftNode as honest } from "./reference.js";
${REFERENCE}const disks = new Map<string, Map<string, unknown>>();
export function createRaftNode(ctx: any, service: any) {
  const disk = disks.get(ctx.id) ?? new Map<string, unknown>();
  disks.set(ctx.id, disk);
  const storage = {
    get: (key: string) => disk.get(key),
    set: (key: string, value: unknown) => void disk.set(key, value),
    delete: (key: string) => void disk.delete(key),
    has: (key: string) => disk.has(key),
    keys: () => [...disk.keys()],
    sync: () => {},
  };
  const own = new Proxy({}, { get: (_, key) => (key === "storage" ? storage : typeof ctx[key] === "function" ? ctx[key].bind(ctx) : ctx[key]) });
  return honest(own, service);
}
`,
      tests: bugs.find((b) => b.name === "term-vote-not-persisted")?.expectedToFail ?? [],
      outcome: failsLike(bugs, "term-vote-not-persisted"),
    },
  ],
};

