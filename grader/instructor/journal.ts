/**
 * A batch's journal, results.jsonl: one JSON line per graded submission, appended and flushed to disk
 * before it counts, so a batch that is stopped loses nothing it had recorded. A later line for the
 * same submission (it was graded again) replaces the earlier one.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { SubmissionRecord } from "./batch.js";

/** The records in a journal, the last one per submission. Unreadable lines are passed over. */
export function readJournal(file: string): Map<string, SubmissionRecord> {
  const records = new Map<string, SubmissionRecord>();
  if (!existsSync(file)) return records;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const record = parse(line);
    if (record !== undefined) records.set(record.id, record);
  }
  return records;
}

/**
 * Drops the journal's unreadable lines: a batch killed while it appended leaves its last line torn,
 * and the next line appended to it would be torn with it. Returns how many lines were dropped (their
 * submissions are not recorded, so they are graded again).
 */
export function repairJournal(file: string): number {
  if (!existsSync(file)) return 0;
  const text = readFileSync(file, "utf8");
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  const kept = lines.filter((line) => parse(line) !== undefined);
  if (kept.length === lines.length && (text === "" || text.endsWith("\n"))) return 0;
  writeDurably(file, kept.map((line) => `${line}\n`).join(""));
  return lines.length - kept.length;
}

/** Appends `text` and flushes it to disk before returning. */
export function appendDurably(file: string, text: string): void {
  const fd = openSync(file, "a");
  try {
    appendFileSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes a temporary file, flushes it, then renames it over `file`: readers see old or new, never half. */
export function writeDurably(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, "w");
  try {
    writeFileSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

function parse(line: string): SubmissionRecord | undefined {
  if (line.trim() === "") return undefined;
  try {
    const record = JSON.parse(line) as SubmissionRecord;
    return typeof record === "object" && record !== null && typeof record.id === "string" && typeof record.status === "string" ? record : undefined;
  } catch {
    return undefined;
  }
}
