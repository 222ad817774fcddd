/**
 * A small syntax highlighter for the code the course shows (TypeScript, JavaScript, JSON, shell):
 * comments, strings, numbers and keywords get a class. Built in so the site works offline, with no
 * CDN and no extra dependency; it only has to make code easier to read, not parse it.
 */

const TS_KEYWORDS = new Set(
  ("abstract as async await break case catch class const continue default delete do else enum export extends false " +
    "finally for from function if implements import in instanceof interface let new null private protected public " +
    "readonly return static super switch this throw true try type typeof undefined var void while yield of override")
    .split(" "),
);
const SH_KEYWORDS = new Set("if then else fi for do done while case esac export cd npm npx node git".split(" "));

const TS_TOKEN = /(\/\/[^\n]*|\/\*[\s\S]*?\*\/)|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`)|(\b\d[\d_]*(?:\.\d+)?\b)|([A-Za-z_$][\w$]*)/g;
const SH_TOKEN = /(#[^\n]*)|("(?:[^"\\\n]|\\.)*"|'[^'\n]*')|(\b\d+\b)|([A-Za-z_][\w-]*)/g;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** HTML for `code` in `lang`; unknown languages are only escaped. */
export function highlight(code: string, lang: string): string {
  const language = lang.toLowerCase();
  const ts = ["ts", "typescript", "js", "javascript", "json", "tsx", "mjs"].includes(language);
  const sh = ["sh", "bash", "shell", "console"].includes(language);
  if (!ts && !sh) return escapeHtml(code);
  const pattern = new RegExp((ts ? TS_TOKEN : SH_TOKEN).source, "g");
  const keywords = ts ? TS_KEYWORDS : SH_KEYWORDS;
  let out = "";
  let last = 0;
  for (const match of code.matchAll(pattern)) {
    const index = match.index ?? 0;
    out += escapeHtml(code.slice(last, index));
    const [text, comment, string, number, word] = match;
    const cls = comment ? "c" : string ? "s" : number ? "n" : word && keywords.has(word) ? "k" : undefined;
    out += cls === undefined ? escapeHtml(text) : `<span class="hl-${cls}">${escapeHtml(text)}</span>`;
    last = index + text.length;
  }
  return out + escapeHtml(code.slice(last));
}
