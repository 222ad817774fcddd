/**
 * Every relative link in the course's Markdown points at a file that exists (and, for #anchors
 * into Markdown files, at a heading that exists), so learners never meet a dead link.
 */
import MarkdownIt from "markdown-it";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const md = new MarkdownIt();

function markdownFiles(): string[] {
  const found = ["README.md", "COURSE.md"].map((f) => join(root, f)).filter((f) => existsSync(f));
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".md")) found.push(path);
    }
  };
  for (const dir of ["units", "readings", "labs"]) walk(join(root, dir));
  return found;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(file: string): Set<string> {
  const tokens = md.parse(readFileSync(file, "utf8"), {});
  const result = new Set<string>();
  tokens.forEach((token, i) => {
    if (token.type !== "heading_open") return;
    const text = tokens[i + 1]?.content ?? "";
    result.add(text.toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, "").trim().replace(/\s/g, "-"));
  });
  return result;
}

function links(file: string): string[] {
  const out: string[] = [];
  const visit = (tokens: ReturnType<typeof md.parse>) => {
    for (const token of tokens) {
      if (token.type === "link_open") out.push(String(token.attrGet("href") ?? ""));
      if (token.children) visit(token.children);
    }
  };
  visit(md.parse(readFileSync(file, "utf8"), {}));
  return out.filter((href) => !/^[a-z]+:/i.test(href));
}

describe("course Markdown", () => {
  for (const file of markdownFiles()) {
    it(`${relative(root, file)} has no dead relative links`, () => {
      for (const href of links(file)) {
        const [path, anchor] = href.split("#") as [string, string | undefined];
        const target = path === "" ? file : resolve(dirname(file), decodeURIComponent(path));
        expect(existsSync(target), `${href} in ${relative(root, file)}`).toBe(true);
        if (anchor && target.endsWith(".md")) expect(anchors(target).has(anchor), `#${anchor} in ${href}`).toBe(true);
      }
    });
  }
});
