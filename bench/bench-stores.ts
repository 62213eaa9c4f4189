import { mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import type { EventEnvelope } from '@haco/contracts';
import type { EventStoreOptions } from '@haco/event-store';
import { openDataSource } from '@haco/event-store';
import { PostgresServer } from '../tools/harness/postgres-server';

export type StoreKind = 'sqlite' | 'postgres';

/** Where a measure's event logs live, and the raw inserts into the same schema it is compared with. */
export interface BenchStores {
  readonly kind: StoreKind;
  /** "SQLite" or "PostgreSQL", for the table. */
  readonly label: string;
  /** A fresh, migrated, empty store: an insert into a log holding earlier rows would cost more. */
  fresh(name: string): Promise<EventStoreOptions>;
  /** Raw batched inserts of `rows` into the events table, at the best of a few batch sizes. */
  raw(rows: readonly EventEnvelope[]): Promise<{ rate: number; batch: number }>;
  destroy(): Promise<void>;
}

const RAW_BATCHES = [256, 1_000, 5_000];

async function bestOf(measure: (size: number) => Promise<number>): Promise<{ rate: number; batch: number }> {
  let best = { rate: 0, batch: 0 };
  for (const size of RAW_BATCHES) {
    const rate = await measure(size);
    if (rate > best.rate) best = { rate, batch: size };
  }
  return best;
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

/** SQLite files in `dir`; raw inserts through better-sqlite3 with the store's pragmas. */
export function sqliteBenchStores(dir: string): BenchStores {
  let count = 0;
  return {
    kind: 'sqlite',
    label: 'SQLite',
    fresh: async (name) => ({ path: join(dir, `events-${name}-${(count += 1)}.sqlite`) }),
    raw: (rows) =>
      bestOf(async (size) => {
        const path = join(mkdtempSync(join(dir, 'raw-')), `raw-${size}.sqlite`);
        await (await openDataSource({ path })).destroy();
        const db = new Database(path);
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = FULL');
        const insert = db.prepare(
          `INSERT INTO events (id, stream, seq, type, data, at, recorded_at, causation_id, correlation_id,
             prev_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        );
        const batch = db.transaction((chunk: readonly EventEnvelope[]) => {
          for (const e of chunk)
            insert.run(
              e.id,
              e.stream,
              e.seq,
              e.type,
              JSON.stringify(e.data),
              e.at,
              e.at,
              e.causationId,
              e.correlationId,
              e.prevHash ?? null,
            );
        });
        const start = process.hrtime.bigint();
        for (let i = 0; i < rows.length; i += size) batch(rows.slice(i, i + size));
        const rate = Math.round(rows.length / seconds(start));
        db.close();
        rmSync(dirname(path), { recursive: true, force: true });
        return rate;
      }),
    destroy: async () => undefined,
  };
}

/**
 * Databases of one PostgreSQL cluster the bench starts (fsync on, as in production); raw inserts are one
 * multi-row INSERT per transaction on one connection, the fastest a client can put rows into the table.
 */
export async function postgresBenchStores(): Promise<BenchStores> {
  const server = await PostgresServer.start({ fsync: true });
  let count = 0;
  const fresh = async (name: string): Promise<EventStoreOptions> => ({
    type: 'postgres',
    url: await server.createDatabase(`${name.replace(/[^a-z0-9]/gi, '_')}_${(count += 1)}`),
  });
  return {
    kind: 'postgres',
    label: 'PostgreSQL',
    fresh,
    raw: (rows) =>
      bestOf(async (size) => {
        const options = await fresh(`raw${size}`);
        await (await openDataSource(options)).destroy();
        const client = new Client({ connectionString: options.type === 'postgres' ? options.url : '' });
        await client.connect();
        const start = process.hrtime.bigint();
        for (let i = 0; i < rows.length; i += size) {
          const chunk = rows.slice(i, i + size);
          const columns: unknown[][] = [[], [], [], [], [], [], [], [], [], [], []];
          chunk.forEach((e, j) =>
            [
              i + j + 1,
              e.id,
              e.stream,
              e.seq,
              e.type,
              JSON.stringify(e.data),
              e.at,
              e.at,
              e.causationId,
              e.correlationId,
              e.prevHash ?? null,
            ].forEach((value, c) => columns[c].push(value)),
          );
          await client.query('BEGIN');
          await client.query(
            `INSERT INTO events (position, id, stream, seq, type, data, at, recorded_at, causation_id, correlation_id,
               prev_hash)
             SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[],
               $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])`,
            columns,
          );
          await client.query('COMMIT');
        }
        const rate = Math.round(rows.length / seconds(start));
        await client.end();
        return rate;
      }),
    destroy: () => server.destroy(),
  };
}

export async function benchStores(kind: StoreKind, dir: string): Promise<BenchStores> {
  return kind === 'postgres' ? postgresBenchStores() : sqliteBenchStores(dir);
}
