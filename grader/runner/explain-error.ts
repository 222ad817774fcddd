/**
 * Turns whatever a test threw into one message a learner can act on: violations speak for
 * themselves; exceptions from lab code get the learner's own file and line, not the grader's.
 */
import { SimulationError } from "../sim/errors.js";

export interface Explained {
  message: string;
  time?: number;
  node?: string;
}

export interface Locating {
  /** Confined runs: maps an error's stack into the learner's files (see ConfinedLab.locate). */
  locate?: (error: unknown) => string | undefined;
  /** Unconfined runs: the implementation's folder, whose frames the stack names directly. */
  implDir?: string;
}

export function explainError(error: unknown, where: Locating = {}): Explained {
  if (error instanceof SimulationError) {
    // Where lab code threw, the cause's stack points into the learner's file.
    const at = locate(error.cause, where);
    const hint = confinementHint(error.cause);
    return {
      message: `${error.message}${hint}${at ? `\n    at ${at}` : ""}`,
      ...(error.time !== undefined ? { time: error.time } : {}),
      ...(error.node !== undefined ? { node: error.node } : {}),
    };
  }
  if (error instanceof Error) {
    const at = locate(error, where);
    return { message: `your code threw ${error.name}: ${error.message}${confinementHint(error)}${at ? `\n    at ${at}` : ""}` };
  }
  return { message: `your code threw a non-Error value: ${String(error)}` };
}

/** Names that lab code looks for in vain: it runs confined, with only the node API. */
const OUTSIDE = /^(process|require|module|Buffer|global|fetch|crypto|WebSocket|XMLHttpRequest|__dirname|__filename|WeakRef|FinalizationRegistry|SharedArrayBuffer|Atomics) is not defined$/;

/** Why a name is missing, when lab code reached for something confinement leaves out. */
function confinementHint(error: unknown): string {
  if (!(error instanceof ReferenceError) || !OUTSIDE.test(error.message)) return "";
  return " (lab code runs confined: it has no process, require, Node modules, file system, network, real timers or wall clock; a node reaches the world only through ctx)";
}

function locate(error: unknown, where: Locating): string | undefined {
  if (where.locate) return where.locate(error);
  return firstFrameIn(error, where.implDir);
}

/** The first stack frame inside the implementation's folder, as "path:line:column". */
function firstFrameIn(error: unknown, implDir?: string): string | undefined {
  if (!(error instanceof Error) || !error.stack || !implDir) return undefined;
  for (const line of error.stack.split("\n").slice(1)) {
    const match = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!match) continue;
    const file = (match[1] as string).replace(/^file:\/\//, "");
    if (file.startsWith(implDir)) return `${relative(file)}:${match[2]}:${match[3]}`;
  }
  return undefined;
}

function relative(file: string): string {
  const cwd = process.cwd();
  return file.startsWith(cwd + "/") ? file.slice(cwd.length + 1) : file;
}
