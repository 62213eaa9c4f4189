import { EventStore, Projections, CHECKPOINT_EVERY } from '../src';
import { generateStream } from '../../../tools/harness/stream-generator';
import type { StoreKind } from './support/test-stores';
import { STORE_KINDS, testStores } from './support/test-stores';

jest.setTimeout(60_000);
const stores = testStores('checkpoints');
const STREAM = 'lab/server1';
const NOW = '2026-11-25T06:00:00.000Z';
const events = generateStream(STREAM, 2 * CHECKPOINT_EVERY + 321, 31);
const at = (ms: number) => () => ms;

describe.each(STORE_KINDS)('projection checkpoints on %s', (kind: StoreKind) => {
  it('let a restarted coordinator fold from its checkpoint, to the same view as a whole refold', async () => {
    const dataSource = await stores.open(kind);
    const store = new EventStore(dataSource);
    for (let i = 0; i < events.length; i += 1_000)
      await store.ingest(
        events.slice(i, i + 1_000).map((envelope) => ({ subject: 's', envelope })),
        NOW,
      );
    const judgedAt = Date.parse(events[events.length - 1].at);
    const first = new Projections(store, { now: at(judgedAt), checkpoints: true });
    const whole = await first.peer(STREAM);
    const saved = await store.checkpoint(STREAM);
    expect(saved?.lastSeq).toBe(events.length);

    // A restart: a new projection reads only what was stored after its checkpoint.
    const reads: number[] = [];
    const readStream = store.readStream.bind(store);
    store.readStream = (stream, fromSeq, limit) => {
      reads.push(fromSeq ?? 1);
      return readStream(stream, fromSeq, limit);
    };
    const restarted = new Projections(store, { now: at(judgedAt), checkpoints: true });
    expect(await restarted.peer(STREAM)).toEqual(whole);
    expect(reads).toEqual([events.length + 1]);

    // Without checkpoints (the CLI's replay) the fold starts at the first event, to the same view.
    reads.length = 0;
    expect(await new Projections(store, { now: at(judgedAt) }).peer(STREAM)).toEqual(whole);
    expect(reads[0]).toBe(1);
    await dataSource.destroy();
  });

  it('refold from the start when a checkpoint was saved by another version of the fold', async () => {
    const dataSource = await stores.open(kind);
    const store = new EventStore(dataSource);
    const some = events.slice(0, 500);
    await store.ingest(
      some.map((envelope) => ({ subject: 's', envelope })),
      NOW,
    );
    await store.saveCheckpoint(STREAM, 400, JSON.stringify({ version: 0, lastSeq: 400 }), NOW);
    const judgedAt = Date.parse(some[some.length - 1].at);
    const view = await new Projections(store, { now: at(judgedAt), checkpoints: true }).peer(STREAM);
    expect(view).toEqual(await new Projections(store, { now: at(judgedAt) }).peer(STREAM));
    expect(view?.lastSeq).toBe(500);
    await dataSource.destroy();
  });
});
