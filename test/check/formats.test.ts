/**
 * Reading histories in every supported format, and naming the line when input cannot be read.
 */
import { describe, expect, it } from "vitest";
import { HistoryParseError, pairOperations, parseHistory, readEdn } from "../../grader/check/history-formats/index.js";
import { readFixture } from "./fixtures.js";

describe("history formats", () => {
  it("reads Jepsen log lines (tabs or spaces) with EDN values", () => {
    const h = parseHistory("INFO  jepsen.util - 3\t:invoke\t:cas\t[1 4]\nINFO  jepsen.util - 3   :fail   :cas    [1 4]\nINFO  jepsen.util - 0\t:invoke\t:read\tnil\n");
    expect(h.format).toBe("jepsen-log");
    expect(h.ops.map((o) => [o.process, o.type, o.f, o.value])).toEqual([
      ["3", "invoke", "cas", [1, 4]],
      ["3", "fail", "cas", [1, 4]],
      ["0", "invoke", "read", null],
    ]);
    expect(pairOperations(h.ops).map((p) => [p.f, p.type, p.completeIndex])).toEqual([
      ["cas", "fail", 1],
      ["read", "info", Infinity],
    ]);
  });

  it("reads Porcupine's kv EDN lines, Elle EDN vectors, Elle JSON and the simulator's JSON", () => {
    const kv = parseHistory(readFixture("porcupine", "kv", "c01-ok.txt"));
    expect(kv.format).toBe("edn");
    expect(kv.ops[0]).toEqual({ index: 0, type: "invoke", process: "0", f: "append", value: { key: "0", value: "x 0 0 y" } });
    const edn = parseHistory('[{:type :invoke, :f :txn, :value [[:append :x 1] [:r :x nil]], :process 0, :time 5, :index 0}\n {:type :ok, :f :txn, :value [[:append :x 1] [:r :x [1]]], :process 0, :time 9, :index 1}] ; done');
    expect(edn.ops[1]).toEqual({ index: 1, type: "ok", process: "0", f: "txn", value: [["append", "x", 1], ["r", "x", [1]]], time: 9 });
    const elle = parseHistory(readFixture("elle", "list-append-anomaly-g0-cycle.json"));
    expect(elle.format).toBe("json");
    expect(elle.ops[0]?.f).toBe("txn");
    const sim = parseHistory(JSON.stringify([{ index: 0, type: "invoke", process: "c1", f: "read", value: null, time: 3 }]));
    expect(sim.format).toBe("simulator-json");
    const lines = parseHistory('{"type":"invoke","process":1,"f":"read","value":null}\n{"type":"ok","process":1,"f":"read","value":2}\n');
    expect(lines.format).toBe("json-lines");
    expect(readEdn('{:a #{1 2} :b "x\\ny" :c -2.5 :d \\c}')).toEqual({ a: [1, 2], b: "x\ny", c: -2.5, d: "c" });
  });

  it("names the line it cannot read", () => {
    const bad = (text: string): HistoryParseError => {
      try {
        parseHistory(text);
      } catch (e) {
        expect(e).toBeInstanceOf(HistoryParseError);
        return e as HistoryParseError;
      }
      throw new Error("expected a parse error");
    };
    expect(bad("INFO  jepsen.util - 0\t:invoke\t:read\tnil\nINFO  jepsen.util - garbage\n").line).toBe(2);
    expect(bad("{:type :invoke, :process 0, :f :read}\n{:type :ok, :process 0 :f :read\n").message).toMatch(/^line 2: /);
    expect(bad('{"type":"invoke","process":1,"f":"read"}\n{"type":"ok","process":1,"f":"read","value":2\n').line).toBe(2);
    expect(bad("{:type :started, :process 0, :f :read}\n").message).toMatch(/line 1: operation has no type/);
    expect(bad('[\n  {"type": "invoke", "process": 1, "f": "read",\n   "value": "[,]"},\n  {"type": "bogus", "process": 1}\n]').line).toBe(4);
    expect(() => pairOperations(parseHistory('[{"type":"ok","process":1,"f":"read","value":1}]').ops)).toThrow(/line 1: process 1 completed an operation it never invoked/);
  });
});
