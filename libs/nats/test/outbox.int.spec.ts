import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventEnvelope } from '@haco/contracts';
import { generateStream } from '../../../tools/harness/stream-generator';
import { emittedEvents } from '../../../soak/checker';
import { Outbox, readOutboxLines } from '@haco/nats';

const root = mkdtempSync(join(tmpdir(), 'haco-outbox-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(root, `peer-${(dirs += 1)}`);

const stream = generateStream('lab/server1', 60, 3).slice(0, 60);
const seqs = (entries: readonly { envelope: EventEnvelope }[]) => entries.map((e) => e.envelope.seq);
const fileLines = (dir: string, file: string) =>
  readOutboxLines(readFileSync(join(dir, file), 'utf8')).map((e) => e.seq);

describe('the peer outbox, on real files', () => {
  it('hands out each envelope with the line it wrote, and keeps the unacknowledged ones', () => {
    const dir = freshDir();
    const outbox = new Outbox(dir);
    outbox.append(stream.slice(0, 10));
    expect(outbox.unpublished().map((e) => e.line)).toEqual(
      stream.slice(0, 10).map((e) => JSON.stringify(e)),
    );
    outbox.acknowledge(4);
    expect(seqs(outbox.unpublished())).toEqual([5, 6, 7, 8, 9, 10]);
    expect(readFileSync(join(dir, 'published.seq'), 'utf8')).toBe('4\n');
    expect(fileLines(dir, 'events.jsonl')).toEqual(stream.slice(0, 10).map((e) => e.seq));
  });

  it('keeps only the newest line once everything is acknowledged, and goes on from it', () => {
    const dir = freshDir();
    const outbox = new Outbox(dir);
    outbox.append(stream.slice(0, 10));
    outbox.acknowledge(10);
    expect(outbox.unpublished()).toEqual([]);
    expect(fileLines(dir, 'events.jsonl')).toEqual([10]);
    expect(new Outbox(dir).nextSeq()).toBe(11);
  });

  it('republishes after a restart what was never acknowledged, and continues the sequence', () => {
    const dir = freshDir();
    const first = new Outbox(dir);
    first.append(stream.slice(0, 12));
    first.acknowledge(7);
    const restarted = new Outbox(dir);
    expect(seqs(restarted.unpublished())).toEqual([8, 9, 10, 11, 12]);
    expect(restarted.unpublished()[0].line).toBe(JSON.stringify(stream[7]));
    expect(restarted.nextSeq()).toBe(13);
  });

  it('drops a line torn by a kill, gives its seq out again, and writes the next on a line of its own', () => {
    const dir = freshDir();
    new Outbox(dir).append(stream.slice(0, 5));
    appendFileSync(join(dir, 'events.jsonl'), JSON.stringify(stream[5]).slice(0, 40));
    const restarted = new Outbox(dir);
    expect(restarted.nextSeq()).toBe(6);
    restarted.append([stream[5]]);
    expect(fileLines(dir, 'events.jsonl')).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('with an archive, keeps every envelope in the archive or the outbox at every step, restarts included', () => {
    const dir = freshDir();
    let outbox = new Outbox(dir, { archive: true });
    let appended = 0;
    const steps: (() => void)[] = [
      () => outbox.append(stream.slice(appended, (appended += 7))),
      () => outbox.acknowledge(appended - 3),
      () => (outbox = new Outbox(dir, { archive: true })),
      () => outbox.acknowledge(appended),
      () => outbox.append(stream.slice(appended, (appended += 5))),
      () => (outbox = new Outbox(dir, { archive: true })),
      () => outbox.acknowledge(appended),
    ];
    for (let round = 0; round < 3; round += 1) {
      for (const step of steps) {
        step();
        expect(emittedEvents(dir)).toEqual(stream.slice(0, appended));
      }
    }
    expect(fileLines(dir, 'events.jsonl')).toEqual([appended]);
    expect(new Set(fileLines(dir, 'archive.jsonl'))).toEqual(
      new Set(stream.slice(0, appended).map((e) => e.seq)),
    );
  });
});
