import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { EventEnvelope, UnchainedEnvelope } from '@haco/contracts';
import { chainEnvelopes, eventHash, GENESIS_HASH } from '@haco/contracts';

/** How much a peer keeps of what JetStream acknowledged, for a restore to ask again: 2 x 16 MiB. */
export const DEFAULT_RETAIN_BYTES = 16 * 1024 * 1024;

/** An envelope waiting in the outbox, with the line it was written as (published as it is). */
export interface OutboxEntry {
  readonly envelope: EventEnvelope;
  readonly line: string;
}

/**
 * The peer's durable outbox: every envelope is appended to `events.jsonl` before it is published, and
 * `published.seq` records how far JetStream has acknowledged. A restarted peer continues the sequence and
 * republishes what was never acknowledged (JetStream drops duplicates by message id). Each envelope is
 * serialized once, when it is written; publishing and compaction reuse that line.
 */
export class Outbox {
  private readonly eventsFile: string;
  private readonly cursorFile: string;
  private lastSeq = 0;
  private publishedSeq = 0;
  private pending: OutboxEntry[] = [];
  /** The newest line written: all that compaction keeps, since it carries the sequence and the chain on. */
  private lastLine: string | null = null;
  /** The hash of the newest event: the next one links to it. */
  private lastHash = GENESIS_HASH;

  private readonly archiveFile: string | null;
  /** Acknowledged envelopes kept for a coordinator that asks for them again (retained.jsonl, then .1). */
  private readonly retainedFile: string;
  private readonly retainBytes: number;

  /**
   * `archive` keeps every acknowledged envelope in `archive.jsonl` as well: a complete record of what the
   * peer emitted, for audits and the soak checker. Off by default.
   */
  constructor(directory: string, options: { archive?: boolean; retainBytes?: number } = {}) {
    mkdirSync(directory, { recursive: true });
    this.eventsFile = join(directory, 'events.jsonl');
    this.cursorFile = join(directory, 'published.seq');
    this.archiveFile = options.archive ? join(directory, 'archive.jsonl') : null;
    this.retainedFile = join(directory, 'retained.jsonl');
    this.retainBytes = options.retainBytes ?? DEFAULT_RETAIN_BYTES;
    this.recover();
    const last = this.lastLine === null ? null : (JSON.parse(this.lastLine) as EventEnvelope);
    this.previousLastType = last?.type ?? null;
    if (last !== null) this.lastHash = eventHash(last);
  }

  /** The type of the last event recorded before this run, or null for a peer that never ran. */
  readonly previousLastType: string | null;

  /** The sequence number the next event gets: gap-free from 1 over the peer's whole history. */
  nextSeq(): number {
    return this.lastSeq + 1;
  }

  /** Links the envelopes onto the stream's hash chain, then appends them. */
  append(unchained: readonly UnchainedEnvelope[]): void {
    if (unchained.length === 0) return;
    const { envelopes, head } = chainEnvelopes(this.lastHash, unchained);
    const entries = envelopes.map((envelope) => ({ envelope, line: JSON.stringify(envelope) }));
    appendFileSync(this.eventsFile, entries.map((e) => `${e.line}\n`).join(''));
    this.lastSeq = envelopes[envelopes.length - 1].seq;
    this.lastLine = entries[entries.length - 1].line;
    this.lastHash = head;
    this.pending.push(...entries);
  }

  /** Envelopes not yet acknowledged, oldest first. */
  unpublished(): readonly OutboxEntry[] {
    return this.pending;
  }

  acknowledge(seq: number): void {
    this.publishedSeq = Math.max(this.publishedSeq, seq);
    const done = this.pending.findIndex((e) => e.envelope.seq > this.publishedSeq);
    const acknowledged = done < 0 ? this.pending : this.pending.slice(0, done);
    this.pending = done < 0 ? [] : this.pending.slice(done);
    // Archived before the cursor moves and before the cut: a kill in between leaves a line in both
    // files (read back once, by seq), never in neither.
    this.archive(acknowledged.map((e) => e.line));
    writeFileSync(this.cursorFile, `${this.publishedSeq}\n`);
    if (this.pending.length === 0 && this.lastLine !== null)
      writeFileSync(this.eventsFile, `${this.lastLine}\n`);
  }

  private archive(lines: readonly string[]): void {
    if (lines.length === 0) return;
    if (this.archiveFile !== null) appendFileSync(this.archiveFile, `${lines.join('\n')}\n`);
    // The retained window: two files of up to retainBytes, the older dropped when the newer is full.
    if (existsSync(this.retainedFile) && statSync(this.retainedFile).size > this.retainBytes) {
      renameSync(this.retainedFile, `${this.retainedFile.slice(0, -'.jsonl'.length)}.1.jsonl`);
    }
    appendFileSync(this.retainedFile, `${lines.join('\n')}\n`);
  }

  /**
   * The acknowledged envelopes still retained from `fromSeq` on, in seq order, as their lines: what a
   * coordinator restored from a backup asks for again. `oldest` is the first seq still retained.
   */
  retainedFrom(fromSeq: number): { entries: OutboxEntry[]; oldest: number | null } {
    const older = `${this.retainedFile.slice(0, -'.jsonl'.length)}.1.jsonl`;
    const bySeq = new Map<number, OutboxEntry>();
    for (const file of [older, this.retainedFile]) {
      if (!existsSync(file)) continue;
      for (const envelope of readOutboxLines(readFileSync(file, 'utf8'))) {
        if (envelope.seq <= this.publishedSeq)
          bySeq.set(envelope.seq, { envelope, line: JSON.stringify(envelope) });
      }
    }
    const all = [...bySeq.values()].sort((a, b) => a.envelope.seq - b.envelope.seq);
    return { entries: all.filter((e) => e.envelope.seq >= fromSeq), oldest: all[0]?.envelope.seq ?? null };
  }

  private recover(): void {
    this.publishedSeq = existsSync(this.cursorFile)
      ? Number(readFileSync(this.cursorFile, 'utf8').trim()) || 0
      : 0;
    if (!existsSync(this.eventsFile)) return;
    let text = readFileSync(this.eventsFile, 'utf8');
    if (text.length > 0 && !text.endsWith('\n')) {
      // Cut the torn tail off, so that what is appended next starts on a line of its own.
      text = text.slice(0, text.lastIndexOf('\n') + 1);
      writeFileSync(this.eventsFile, text);
    }
    const entries = readOutboxLines(text).map((envelope) => ({ envelope, line: JSON.stringify(envelope) }));
    this.lastSeq = entries.reduce((max, e) => Math.max(max, e.envelope.seq), this.publishedSeq);
    this.lastLine = entries.length > 0 ? entries[entries.length - 1].line : null;
    this.pending = entries.filter((e) => e.envelope.seq > this.publishedSeq);
    // Acknowledged lines still here may have missed the archive (a kill, or an older peer that archived
    // only at compaction): archived again, which at worst repeats a line that readers take once by seq.
    this.archive(entries.filter((e) => e.envelope.seq <= this.publishedSeq).map((e) => e.line));
  }
}

/**
 * The envelopes of an outbox file. A last line cut short by a kill during the append is dropped: its
 * events were never acted on (the append comes first), and their seq numbers are given out again.
 */
export function readOutboxLines(text: string): EventEnvelope[] {
  const lines = text.split('\n').filter((line) => line.trim().length > 0);
  const envelopes: EventEnvelope[] = [];
  lines.forEach((line, index) => {
    try {
      envelopes.push(JSON.parse(line) as EventEnvelope);
    } catch (error) {
      if (index < lines.length - 1 || text.endsWith('\n')) throw error;
    }
  });
  return envelopes;
}
