import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import type { EventStoreOptions } from '../../src';
import { openDataSource } from '../../src';
import { PostgresServer } from '../../../../tools/harness/postgres-server';

export type StoreKind = 'sqlite' | 'postgres';

/** Every driver the event store runs on: each store suite runs against both. */
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'postgres'];

/**
 * Fresh, empty event stores of either kind for one test file: SQLite files in a temp dir, and databases of
 * a real PostgreSQL cluster the file starts on first use and stops by its pid when it ends.
 */
export function testStores(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), `haco-${prefix}-`));
  let server: Promise<PostgresServer> | null = null;
  let count = 0;
  afterAll(async () => {
    if (server !== null) await (await server).destroy();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  const options = async (kind: StoreKind): Promise<EventStoreOptions> => {
    count += 1;
    if (kind === 'sqlite') return { path: join(dir, `events-${count}.sqlite`) };
    server ??= PostgresServer.start({ fsync: false });
    return { type: 'postgres', url: await (await server).createDatabase(`events_${count}`) };
  };

  return {
    dir,
    options,
    async open(kind: StoreKind, extra: Partial<EventStoreOptions> = {}): Promise<DataSource> {
      return openDataSource({ ...(await options(kind)), ...extra } as EventStoreOptions);
    },
  };
}
