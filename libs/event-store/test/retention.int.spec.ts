import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { EventEnvelope } from '@haco/contracts';
import type { StoredEvent } from '../src';
import {
  compactStream,
  verifyStreamChain,
  EventStore,
  fullStreamPages,
  nextStreamHash,
  openDataSource,
  RETIRED_TYPES,
  verifyFromSnapshot,
} from '../src';
import { generateStream } from '../../../tools/harness/stream-generator';
import { own } from '../../../tools/harness/processes';
import type { StoreKind } from './support/test-stores';
import { STORE_KINDS, testStores } from './support/test-stores';

jest.setTimeout(120_000);

const STREAM = 'site/server1';
/** Generated from 2026-11-01 on, one input a second: a month later all of it is older than a day. */
const NOW = '2026-12-01T00:00:00Z';

async function filled(store: EventStore, envelopes: readonly EventEnvelope[]): Promise<void> {
  for (let at = 0; at < envelopes.length; at += 2_000) {
    const items = envelopes
      .slice(at, at + 2_000)
      .map((envelope) => ({ subject: 'haco.site.server1.events', envelope }));
    await store.ingest(items, envelopes[at].at);
  }
}

async function everything(store: EventStore, archiveDir: string | null): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  for await (const page of fullStreamPages(store, STREAM, archiveDir)) all.push(...page);
  return all;
}

const hashOf = (events: readonly StoredEvent[]) =>
  events.reduce((hash, event) => nextStreamHash(hash, event), '');

/** Retention: snapshots, then heartbeat outcomes moved to a compressed archive that replay still reads. */
describe.each(STORE_KINDS)('replay snapshots and retention on %s', (kind: StoreKind) => {
  const stores = testStores(`retention-${kind}`);
  const envelopes = generateStream(STREAM, 6_000, 11);

  it('verifies from the newest snapshot, archives old heartbeat outcomes and still replays from the start', async () => {
    const dataSource = await stores.open(kind);
    const store = new EventStore(dataSource);
    const archiveDir = join(stores.dir, `archive-${kind}-1`);
    try {
      await filled(store, envelopes);
      const before = await everything(store, null);
      expect(before.length).toBe(envelopes.length);
      // Nothing is archived before a snapshot says where replay may start.
      expect(
        (
          await compactStream(
            store,
            STREAM,
            { heartbeatsMs: 86_400_000, archiveDir, batch: 200 },
            Date.parse(NOW),
          )
        ).events,
      ).toBe(0);
      const first = await verifyFromSnapshot(store, STREAM, { snapshotEvery: 1_000 });
      expect(first.report.divergence).toBeNull();
      expect(first.fromSeq).toBeNull();
      expect(first.saved?.seq).toBeGreaterThan(envelopes.length - 50);
      // The next verification starts where the snapshot stands: nothing new, nothing re-decided.
      const again = await verifyFromSnapshot(store, STREAM);
      expect(again.fromSeq).toBe(first.saved!.seq);
      expect(again.report).toMatchObject({
        divergence: null,
        events: first.report.events,
        transitions: first.report.transitions,
      });

      const kept = new Map([...(await store.countTypes(STREAM))]);
      const compacted = await compactStream(
        store,
        STREAM,
        { heartbeatsMs: 86_400_000, archiveDir, batch: 200 },
        Date.parse(NOW),
      );
      expect(compacted.events).toBeGreaterThan(envelopes.length / 3);
      const after = await store.countTypes(STREAM);
      // Transitions, pauses, commands and starts all stay; only heartbeat outcomes left.
      for (const [type, count] of kept) {
        if (!(RETIRED_TYPES as readonly string[]).includes(type))
          expect([type, after.get(type)]).toEqual([type, count]);
      }
      const stillThere = [...after].filter(([type]) => (RETIRED_TYPES as readonly string[]).includes(type));
      expect(stillThere.reduce((n, [, c]) => n + c, 0)).toBeLessThan(
        [...kept]
          .filter(([type]) => (RETIRED_TYPES as readonly string[]).includes(type))
          .reduce((n, [, c]) => n + c, 0),
      );
      // The log and the archive together are the stream as it was, event for event, hash for hash.
      const merged = await everything(store, archiveDir);
      expect(merged.map((e) => [e.id, e.seq])).toEqual(before.map((e) => [e.id, e.seq]));
      expect(hashOf(merged)).toBe(hashOf(before));
      const fromStart = await verifyFromSnapshot(store, STREAM, { fromStart: true, archiveDir });
      expect(fromStart.report.divergence).toBeNull();
      expect(fromStart.snapshotMismatch).toBeNull();
      expect(fromStart.report.events).toBe(envelopes.length);
      // The hash chain runs through the archive: whole with it, and without it the archived ranges are
      // named as taken on trust while the rest still links.
      const chain = await verifyStreamChain(store, STREAM, archiveDir);
      expect(chain).toMatchObject({ broken: null, events: envelopes.length, skipped: [] });
      const trusting = await verifyStreamChain(store, STREAM, null);
      expect(trusting.broken).toBeNull();
      expect(trusting.skipped.length).toBeGreaterThan(0);
      expect(trusting.events + trusting.skipped.reduce((n, segment) => n + segment.events, 0)).toBe(
        envelopes.length,
      );
      // Without the archive the start is missing: it does not verify.
      const withoutArchive = await verifyFromSnapshot(store, STREAM, { fromStart: true, archiveDir: null });
      expect(withoutArchive.report.divergence).not.toBeNull();

      // An archive file changed after the fact is refused by name; a snapshot that lies is caught from the start.
      const [segment] = await store.archiveSegments(STREAM);
      const path = join(archiveDir, segment.file);
      const original = readFileSync(path);
      writeFileSync(
        path,
        gzipSync(gunzipSync(original).toString().replace('"HeartbeatSucceeded"', '"HeartbeatFailed"')),
      );
      await expect(verifyFromSnapshot(store, STREAM, { fromStart: true, archiveDir })).rejects.toThrow(
        `archive segment ${segment.file} is not the file recorded`,
      );
      expect((await verifyStreamChain(store, STREAM, archiveDir)).broken).toMatchObject({
        problem: 'archive',
        seq: segment.firstSeq,
      });
      writeFileSync(path, original);
      await dataSource.query(
        dataSource.options.type === 'postgres'
          ? "UPDATE replay_snapshots SET hash = 'forged' WHERE stream = $1"
          : "UPDATE replay_snapshots SET hash = 'forged' WHERE stream = ?",
        [STREAM],
      );
      const lied = await verifyFromSnapshot(store, STREAM, { fromStart: true, archiveDir });
      expect(lied.snapshotMismatch).toContain(`the snapshot at seq ${first.saved!.seq} holds another hash`);
    } finally {
      await dataSource.destroy();
    }
  });

  it('loses nothing and keeps nothing twice when compaction is killed -9 again and again', async () => {
    const options = await stores.options(kind);
    const dataSource = await openDataSource(options);
    const store = new EventStore(dataSource);
    const archiveDir = join(stores.dir, `archive-${kind}-2`);
    try {
      await filled(store, envelopes);
      const before = await everything(store, null);
      await verifyFromSnapshot(store, STREAM, { snapshotEvery: 1 });
      const run = () => {
        const child = own(
          spawn(
            process.execPath,
            [
              '--import',
              'tsx',
              join(__dirname, 'support', 'compact-child.ts'),
              JSON.stringify(options),
              STREAM,
              archiveDir,
              NOW,
            ],
            { stdio: ['ignore', 'pipe', 'pipe'] },
          ),
        );
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        return { child, exited, out: () => out };
      };
      let kills = 0;
      for (let round = 0; round < 6; round += 1) {
        const child = run();
        // Killed once it has retired a few segments: the next kill falls anywhere inside a batch.
        const segmentsBefore = (await store.archiveSegments(STREAM)).length;
        await new Promise<void>((resolve) => {
          const timer = setInterval(() => {
            if ((child.out().match(/segment/g)?.length ?? 0) >= 2 + round || child.out().includes('done')) {
              clearInterval(timer);
              resolve();
            }
          }, 5);
        });
        if (child.out().includes('done')) break;
        child.child.kill('SIGKILL');
        await child.exited;
        kills += 1;
        expect((await store.archiveSegments(STREAM)).length).toBeGreaterThan(segmentsBefore);
        // After every kill: each event is in the log or in a recorded segment, once.
        const merged = await everything(store, archiveDir);
        expect(merged.map((e) => e.seq)).toEqual(before.map((e) => e.seq));
      }
      expect(kills).toBeGreaterThan(2);
      const last = run();
      await last.exited;
      expect(last.out()).toContain('done');
      const merged = await everything(store, archiveDir);
      expect(merged.map((e) => [e.id, e.seq])).toEqual(before.map((e) => [e.id, e.seq]));
      expect(hashOf(merged)).toBe(hashOf(before));
      const segments = await store.archiveSegments(STREAM);
      const archived = segments.reduce((n, s) => n + s.events, 0);
      expect(archived + (await everything(store, null)).length).toBe(before.length);
      expect(
        (await verifyFromSnapshot(store, STREAM, { fromStart: true, archiveDir })).report.divergence,
      ).toBeNull();
    } finally {
      await dataSource.destroy();
    }
  });
});
