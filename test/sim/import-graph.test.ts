/**
 * The simulator's module structure: no import circles inside grader/sim (each file has one job and
 * the jobs layer), and no Node-only modules (the simulator does no I/O of its own, so that it can run
 * in a browser). Type-only imports count: a circle of types still ties the files together.
 */
import { builtinModules } from "node:module";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SIM = fileURLToPath(new URL("../../grader/sim/", import.meta.url));

/** Every module specifier a file imports or re-exports (static, dynamic, type-only). */
function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [/\b(?:import|export)\s[^;'"]*?\bfrom\s*["']([^"']+)["']/g, /\bimport\s*["']([^"']+)["']/g, /\bimport\(\s*["']([^"']+)["']\s*\)/g];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.push(match[1] as string);
  return found;
}

/** The graph of grader/sim: file -> the sim files it imports. */
function simGraph(): Map<string, string[]> {
  const files = readdirSync(SIM).filter((f) => f.endsWith(".ts"));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const local = specifiers(readFileSync(SIM + file, "utf8"))
      .filter((s) => s.startsWith("./"))
      .map((s) => s.slice(2).replace(/\.js$/, ".ts"));
    graph.set(file, local);
  }
  return graph;
}

/** One import circle, as a path that starts and ends at the same file, or null if there is none. */
function findCircle(graph: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (file: string): string[] | null => {
    if (state.get(file) === "done") return null;
    if (state.get(file) === "open") return [...path.slice(path.indexOf(file)), file];
    state.set(file, "open");
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      const circle = visit(next);
      if (circle) return circle;
    }
    path.pop();
    state.set(file, "done");
    return null;
  };
  for (const file of [...graph.keys()].sort()) {
    const circle = visit(file);
    if (circle) return circle;
  }
  return null;
}

describe("grader/sim module structure", () => {
  it("the circle finder finds a circle, including through type-only imports", () => {
    const source = `import type { A } from "./a.js";\nexport { B } from "./b.js";\nimport "./c.js";`;
    expect(specifiers(source)).toEqual(["./a.js", "./b.js", "./c.js"]);
    expect(findCircle(new Map([["a.ts", ["b.ts"]], ["b.ts", ["c.ts"]], ["c.ts", ["a.ts"]]]))).toEqual(["a.ts", "b.ts", "c.ts", "a.ts"]);
    expect(findCircle(new Map([["a.ts", ["b.ts", "c.ts"]], ["b.ts", ["c.ts"]], ["c.ts", []]]))).toBeNull();
  });

  it("has no import circle", () => {
    const graph = simGraph();
    expect(graph.size).toBeGreaterThan(10);
    for (const [file, imports] of graph) for (const target of imports) expect(graph.has(target), `${file} imports ./${target}`).toBe(true);
    expect(findCircle(graph)).toBeNull();
  });

  it("imports no Node-only module", () => {
    for (const file of simGraph().keys()) {
      const node = specifiers(readFileSync(SIM + file, "utf8")).filter((s) => s.startsWith("node:") || builtinModules.includes(s.split("/")[0] as string));
      expect(node, file).toEqual([]);
    }
  });
});
