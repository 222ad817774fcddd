/**
 * A small reader for EDN, the data notation Jepsen and Elle write histories in: maps, vectors,
 * lists, sets, keywords, strings, numbers, nil, booleans, comments and `#tag` literals. Keywords
 * become plain strings without the colon (`:invoke` -> "invoke"), maps become plain objects (keys
 * read as strings), vectors/lists/sets become arrays, so the result is ordinary JSON-like data.
 */
import type { Json } from "../../sim/api.js";

export class EdnError extends Error {
  constructor(
    message: string,
    /** Offset into the text where reading failed. */
    readonly offset: number,
  ) {
    super(message);
  }
}

const DELIMITERS = new Set(["(", ")", "[", "]", "{", "}", '"', ";"]);

function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r" || c === ",";
}

/** Reads every top-level EDN value in `text`. */
export function readEdnAll(text: string): Json[] {
  const reader = new EdnReader(text);
  const out: Json[] = [];
  for (;;) {
    reader.skip();
    if (reader.done()) return out;
    out.push(reader.value());
  }
}

/** Reads exactly one EDN value (surrounding whitespace allowed). */
export function readEdn(text: string): Json {
  const reader = new EdnReader(text);
  reader.skip();
  const v = reader.value();
  reader.skip();
  if (!reader.done()) throw new EdnError("unexpected text after the value", reader.pos);
  return v;
}

class EdnReader {
  pos = 0;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.pos >= this.text.length;
  }

  skip(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos] as string;
      if (isSpace(c)) this.pos++;
      else if (c === ";") {
        while (this.pos < t.length && t[this.pos] !== "\n") this.pos++;
      } else if (c === "#" && t[this.pos + 1] === "_") {
        this.pos += 2;
        this.skip();
        this.value(); // discarded form
      } else return;
    }
  }

  value(): Json {
    const t = this.text;
    if (this.done()) throw new EdnError("unexpected end of input", this.pos);
    const c = t[this.pos] as string;
    switch (c) {
      case "{":
        return this.map();
      case "[":
        this.pos++;
        return this.sequence("]", this.pos - 1);
      case "(":
        this.pos++;
        return this.sequence(")", this.pos - 1);
      case '"':
        return this.string();
      case "#": {
        const next = t[this.pos + 1];
        if (next === "{") {
          this.pos += 2;
          return this.sequence("}", this.pos - 2);
        }
        // A tagged literal such as #inst "..." or #jepsen.history.Op{...}: keep the value.
        this.pos++;
        this.token();
        this.skip();
        return this.value();
      }
      case ")":
      case "]":
      case "}":
        throw new EdnError(`unexpected '${c}'`, this.pos);
      default:
        return this.atom();
    }
  }

  private sequence(close: string, start: number): Json[] {
    const out: Json[] = [];
    for (;;) {
      this.skip();
      if (this.done()) throw new EdnError(`missing '${close}' for the form opened here`, start);
      if (this.text[this.pos] === close) {
        this.pos++;
        return out;
      }
      out.push(this.value());
    }
  }

  private map(): Json {
    const start = this.pos++;
    const out: { [key: string]: Json } = {};
    for (;;) {
      this.skip();
      if (this.done()) throw new EdnError("missing '}' for the map opened here", start);
      if (this.text[this.pos] === "}") {
        this.pos++;
        return out;
      }
      const key = this.value();
      this.skip();
      if (this.done() || this.text[this.pos] === "}") throw new EdnError("map has a key without a value", this.pos);
      const v = this.value();
      out[typeof key === "string" ? key : JSON.stringify(key)] = v;
    }
  }

  private string(): string {
    const t = this.text;
    let out = "";
    this.pos++;
    while (this.pos < t.length) {
      const c = t[this.pos++] as string;
      if (c === '"') return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = t[this.pos++];
      if (e === "n") out += "\n";
      else if (e === "t") out += "\t";
      else if (e === "r") out += "\r";
      else if (e === "u") {
        out += String.fromCharCode(parseInt(t.slice(this.pos, this.pos + 4), 16));
        this.pos += 4;
      } else out += e ?? "";
    }
    throw new EdnError("unterminated string", this.pos);
  }

  private token(): string {
    const t = this.text;
    const start = this.pos;
    while (this.pos < t.length) {
      const c = t[this.pos] as string;
      if (isSpace(c) || DELIMITERS.has(c)) break;
      this.pos++;
    }
    return t.slice(start, this.pos);
  }

  private atom(): Json {
    const start = this.pos;
    const tok = this.token();
    if (tok === "") throw new EdnError(`unexpected '${this.text[start]}'`, start);
    if (tok === "nil") return null;
    if (tok === "true") return true;
    if (tok === "false") return false;
    if (tok.startsWith(":")) return tok.slice(1);
    if (tok.startsWith("\\")) return tok.slice(1);
    if (/^[+-]?\d/.test(tok)) {
      const n = Number(tok.replace(/[NM]$/, ""));
      if (Number.isNaN(n)) {
        const ratio = /^([+-]?\d+)\/(\d+)$/.exec(tok);
        if (ratio) return Number(ratio[1]) / Number(ratio[2]);
        throw new EdnError(`not a number: ${tok}`, start);
      }
      return n;
    }
    return tok; // a symbol
  }
}
