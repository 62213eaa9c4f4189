import { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { verifyStream } from '@haco/ha-core/probe';
import type { StoredEvent } from '@haco/event-store';
import { EventStore, exportLines, recordedEvents, streamPages, verifyStoredStream } from '@haco/event-store';
import { generateStream } from '../../../tools/harness/stream-generator';
import { peerViewAt } from '@haco/event-store';
import { projectPeer } from './support/project-peer';
import type { StoreKind } from './support/test-stores';
import { STORE_KINDS, testStores } from './support/test-stores';

const STREAM = 'lab/server1';
const generated = generateStream(STREAM, 12_345, 21);
const NOW = '2026-11-25T05:00:00.000Z';

/** A reader that takes `perTick` bytes a turn, so that writers meet backpressure. */
function slowReader(perTick: number): Writable & { text: () => string } {
  const chunks: string[] = [];
  const reader = new Writable({
    highWaterMark: perTick,
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      setImmediate(done);
    },
  });
  return Object.assign(reader, { text: () => chunks.join('') });
}

const stores = testStores('paged');

describe.each(STORE_KINDS)('reading a long stream page by page, from a real %s store', (kind: StoreKind) => {
  let dataSource: DataSource;
  let store: EventStore;
  let whole: StoredEvent[];

  beforeAll(async () => {
    dataSource = await stores.open(kind);
    store = new EventStore(dataSource);
    for (let i = 0; i < generated.length; i += 1_000)
      await store.ingest(
        generated.slice(i, i + 1_000).map((envelope) => ({ subject: 's', envelope })),
        NOW,
      );
    whole = await store.readStream(STREAM);
  });
  afterAll(async () => {
    await dataSource.destroy();
  });

  it('gives every event once, in order, in pages no larger than asked', async () => {
    const pages: StoredEvent[][] = [];
    for await (const page of streamPages(store, STREAM, 1_000)) pages.push(page);
    expect(whole.length).toBe(generated.length);
    expect(pages.map((p) => p.length)).toEqual([...Array(12).fill(1_000), generated.length - 12_000]);
    expect(pages.flat()).toEqual(whole);
  });

  it('verifies a stream exactly as a whole read does', async () => {
    const paged = await verifyStoredStream(store, STREAM, 1_000);
    expect(paged.divergence).toBeNull();
    expect(paged.events).toBe(generated.length);
    expect(paged).toEqual(verifyStream(recordedEvents(whole)));
  });

  it('exports every event as a JSON line through a slow reader', async () => {
    const reader = slowReader(64 * 1024);
    expect(await exportLines(store, STREAM, reader)).toBe(generated.length);
    const lines = reader.text().trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line) as StoredEvent)).toEqual(whole);
  });

  it('stops exporting when the reader goes away, instead of waiting for ever', async () => {
    // A client that stops reading and then hangs up: its first write never completes.
    const reader: Writable = new Writable({
      highWaterMark: 1024,
      write() {
        setImmediate(() => reader.destroy());
      },
    });
    await expect(exportLines(store, STREAM, reader)).rejects.toThrow(/reader closed/);
  });

  it('folds the view at a past time as the whole log filtered to that time', async () => {
    const times = [100, 5_000, 12_000].map((i) => Date.parse(generated[i].at));
    for (const t of times) {
      const reference = projectPeer(
        STREAM,
        whole.filter((e) => Date.parse(e.at) <= t),
      ).view;
      expect(await peerViewAt(store, STREAM, t)).toEqual(reference);
    }
  });
});
