import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventEnvelope } from '@haco/contracts';

/**
 * The peer's durable outbox: every envelope is appended to `events.jsonl` before it is published, and
 * `published.seq` records how far JetStream has acknowledged. A restarted peer continues the sequence and
 * republishes what was never acknowledged (JetStream drops duplicates by message id).
 */
export class Outbox {
  private readonly eventsFile: string;
  private readonly cursorFile: string;
  private lastSeq = 0;
  private publishedSeq = 0;
  private pending: EventEnvelope[] = [];

  private readonly archiveFile: string | null;

  /**
   * `archive` keeps every acknowledged envelope in `archive.jsonl` instead of dropping it at compaction:
   * a complete record of what the peer emitted, for audits and the soak checker. Off by default.
   */
  constructor(directory: string, options: { archive?: boolean } = {}) {
    mkdirSync(directory, { recursive: true });
    this.eventsFile = join(directory, 'events.jsonl');
    this.cursorFile = join(directory, 'published.seq');
    this.archiveFile = options.archive ? join(directory, 'archive.jsonl') : null;
    this.recover();
  }

  /** The sequence number the next event gets: gap-free from 1 over the peer's whole history. */
  nextSeq(): number {
    return this.lastSeq + 1;
  }

  append(envelopes: readonly EventEnvelope[]): void {
    if (envelopes.length === 0) return;
    appendFileSync(this.eventsFile, envelopes.map((e) => `${JSON.stringify(e)}\n`).join(''));
    this.lastSeq = envelopes[envelopes.length - 1].seq;
    this.pending.push(...envelopes);
  }

  /** Envelopes not yet acknowledged, oldest first. */
  unpublished(): readonly EventEnvelope[] {
    return this.pending;
  }

  acknowledge(seq: number): void {
    this.publishedSeq = Math.max(this.publishedSeq, seq);
    this.pending = this.pending.filter((e) => e.seq > this.publishedSeq);
    writeFileSync(this.cursorFile, `${this.publishedSeq}\n`);
    if (this.pending.length === 0) this.compact();
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
    const envelopes = readOutboxLines(text);
    this.lastSeq = envelopes.reduce((max, e) => Math.max(max, e.seq), this.publishedSeq);
    this.pending = envelopes.filter((e) => e.seq > this.publishedSeq);
  }

  /** Everything is acknowledged: keep only the last envelope, which carries the sequence on. */
  private compact(): void {
    const lines = readFileSync(this.eventsFile, 'utf8').trimEnd().split('\n');
    // Archived before the cut: a kill between the two leaves lines in both files, never in neither.
    if (this.archiveFile !== null && lines.length > 1)
      appendFileSync(this.archiveFile, `${lines.slice(0, -1).join('\n')}\n`);
    writeFileSync(this.eventsFile, `${lines[lines.length - 1]}\n`);
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
