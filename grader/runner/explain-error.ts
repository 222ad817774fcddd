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

export function explainError(error: unknown, implDir?: string): Explained {
  if (error instanceof SimulationError) {
    // Where lab code threw, the cause's stack points into the learner's file.
    const where = locate(error.cause, implDir);
    return {
      message: where ? `${error.message}\n    at ${where}` : error.message,
      ...(error.time !== undefined ? { time: error.time } : {}),
      ...(error.node !== undefined ? { node: error.node } : {}),
    };
  }
  if (error instanceof Error) {
    const where = locate(error, implDir);
    return { message: `your code threw ${error.name}: ${error.message}${where ? `\n    at ${where}` : ""}` };
  }
  return { message: `your code threw a non-Error value: ${String(error)}` };
}

/** The first stack frame inside the implementation's folder, as "path:line:column". */
function locate(error: unknown, implDir?: string): string | undefined {
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
