/** Events and values in words, for the details panel and the history rows (always shown as text). */
import { type LooseEvent, messageType, nodeGroups } from "./model.js";

/** A one-line description of an event. */
export function describe(e: LooseEvent): string {
  switch (e.type) {
    case "send": return `${e.from} sends #${e.id} to ${e.to}: ${messageType(e.msg)}`;
    case "deliver": return `${e.to} receives #${e.id} from ${e.from}`;
    case "drop": return `#${e.id} from ${e.from} to ${e.to} dropped (${e.reason})`;
    case "duplicate": return `the network duplicates #${e.id} (${e.from} → ${e.to})`;
    case "timer-set": return `${e.node} sets timer ${e.timer} for ${e.delay} ms (${short(e.payload)})`;
    case "timer-fire": return `${e.node}'s timer ${e.timer} fires`;
    case "timer-cancel": return `${e.node} cancels timer ${e.timer}`;
    case "crash": return `${e.node} crashes`;
    case "restart": return `${e.node} restarts (incarnation ${e.incarnation})`;
    case "start": return `${e.node} starts (incarnation ${e.incarnation})`;
    case "pause": return `${e.node} is paused`;
    case "resume": return `${e.node} resumes`;
    case "partition": return `partition ${nodeGroups(e.groups).map((g) => `{${g.join(", ")}}`).join(" | ")}`;
    case "block": return `the network blocks ${e.from} → ${e.to}`;
    case "heal": return "the network heals";
    case "log": return `${e.node} logs: ${e.text}`;
    case "call": return `the grader calls ${e.node}: ${e.label}`;
    case "note": return `note: ${e.text}`;
    case "sync": return `${e.node} syncs ${e.keys} key(s) to durable storage`;
    case "clock": return `${e.node}'s clock: offset ${e.offsetMs} ms, drift ${e.drift}`;
    case "network": return "network conditions change";
    case "op": return `client ${e.op?.process}: ${e.op?.type} ${e.op?.f}`;
    default: return e.type;
  }
}

/** A value as short JSON (at most 40 characters). */
export function short(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}
