/**
 * Where the external fixtures live: `../shared/fixtures` beside the repository (CI clones the
 * repo with `shared/` next to it). A missing folder fails the tests that need it, loudly.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const FIXTURES = fileURLToPath(new URL("../../../shared/fixtures/", import.meta.url));

export function fixturePath(...parts: string[]): string {
  if (!existsSync(FIXTURES)) {
    throw new Error(`fixtures folder not found at ${FIXTURES}: clone the shared fixtures beside the repository (../shared/fixtures) to run the checker validation tests`);
  }
  return FIXTURES + parts.join("/");
}

export function readFixture(...parts: string[]): string {
  return readFileSync(fixturePath(...parts), "utf8");
}

export function listFixtures(dir: string): string[] {
  return readdirSync(fixturePath(dir)).sort();
}
