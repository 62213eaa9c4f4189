import { EventStore, openDataSource } from '@haco/event-store';
import { generateStream } from './stream-generator';

/**
 * A SQLite event log of `events` generated events (streams of at most 100,000 events, `cluster/serverN`),
 * written through the store's own ingest path, as a coordinator would have stored them.
 */
export async function fillStore(path: string, events: number, cluster = 'big'): Promise<void> {
  const dataSource = await openDataSource({ path });
  const store = new EventStore(dataSource);
  const perStream = 100_000;
  for (let i = 0; i * perStream < events; i += 1) {
    const count = Math.min(perStream, events - i * perStream);
    const envelopes = generateStream(`${cluster}/server${i + 1}`, count, 100 + i).slice(0, count);
    for (let at = 0; at < envelopes.length; at += 5_000) {
      await store.ingest(
        envelopes
          .slice(at, at + 5_000)
          .map((envelope) => ({ subject: `haco.${cluster}.server${i + 1}.events`, envelope })),
        envelopes[at].at,
      );
    }
  }
  await dataSource.query('PRAGMA wal_checkpoint(TRUNCATE)');
  await dataSource.destroy();
}
