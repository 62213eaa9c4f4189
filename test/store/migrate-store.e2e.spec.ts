import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS_STREAM } from '@haco/contracts';
import { EventStore, openDataSource, Projections } from '@haco/event-store';
import { PostgresServer } from '../../tools/harness/postgres-server';
import { OwnedProcess, waitFor } from '../../tools/harness/processes';
import { PROJECT_ROOT } from '../../tools/harness/project-root';
import { generateStream } from '../../tools/harness/stream-generator';

jest.setTimeout(240_000);

const HACO = join(PROJECT_ROOT, 'bin', 'haco');
const STREAMS = ['lab/server1', 'lab/server2', 'edge/server1'];
const PER_STREAM = 40_000;
const NOW = '2026-11-30T10:00:00.000Z';

/** `haco` run to its end, by its pid. */
async function haco(args: string[]): Promise<{ status: number | null; out: string }> {
  const run = OwnedProcess.start(HACO, args);
  const status = await run.exit();
  return { status, out: run.output.join('') };
}

describe('haco migrate-store: a SQLite log copied into PostgreSQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haco-migrate-'));
  const sqlite = join(dir, 'events.sqlite');
  let postgres: PostgresServer;

  beforeAll(async () => {
    postgres = await PostgresServer.start({ fsync: false });
    const dataSource = await openDataSource({ path: sqlite });
    const store = new EventStore(dataSource);
    for (const [i, stream] of STREAMS.entries()) {
      const events = generateStream(stream, PER_STREAM, 41 + i);
      for (let at = 0; at < events.length; at += 2_000)
        await store.ingest(
          events.slice(at, at + 2_000).map((envelope) => ({ subject: 's', envelope })),
          // Recorded at different times: the copy must keep each event's own.
          new Date(Date.parse(NOW) + at).toISOString(),
        );
    }
    await store.appendNext(
      COMMANDS_STREAM,
      { type: 'CommandIssued', data: { commandId: 'c1', who: 'ops', why: 'test' } },
      { id: 'command-1', at: NOW, causationId: 'c1' },
    );
    // A gap still open, and a dead letter: both are part of the log too.
    const held = generateStream('gap/server1', 10, 5);
    await store.ingest(
      [held[0], held[3]].map((envelope) => ({ subject: 's', envelope })),
      NOW,
    );
    await store.deadLetter('haco.x.events', 'not JSON', 'garbage', NOW);
    await dataSource.destroy();
  });
  afterAll(async () => {
    await postgres.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('copies, resumes after a kill -9, and replays to the same states', async () => {
    const url = await postgres.createDatabase('copy');
    const first = OwnedProcess.start(HACO, ['migrate-store', '--from', sqlite, '--to', url]);
    await waitFor(
      'the copy to be under way',
      async () => (/migrate-store: \d+ of/.test(first.output.join('')) ? true : undefined),
      60_000,
    );
    await first.stop('SIGKILL');

    const second = await haco(['migrate-store', '--from', sqlite, '--to', url]);
    expect(second.out).toMatch(/resumed after [1-9]\d* events already copied/);
    expect(second.out).toMatch(/the copy in postgres:\/\/\S+ is whole and verified/);
    expect(second.status).toBe(0);

    const [source, target] = await Promise.all([
      openDataSource({ path: sqlite, readOnly: true }),
      openDataSource({ type: 'postgres', url, readOnly: true }),
    ]);
    try {
      const [a, b] = [new EventStore(source), new EventStore(target)];
      expect(await b.countEvents()).toBe(await a.countEvents());
      expect(await b.streams()).toEqual(await a.streams());
      expect(await b.heldBack()).toEqual(await a.heldBack());
      expect((await b.deadLetters()).map((d) => d.reason)).toEqual(['not JSON']);
      for (const stream of STREAMS) {
        const [x, y] = await Promise.all([a.readStream(stream), b.readStream(stream)]);
        const strip = (events: typeof x) => events.map(({ position, ...rest }) => (void position, rest));
        expect(strip(y)).toEqual(strip(x));
        const lastAt = () => Date.parse(x[x.length - 1].at);
        expect(await new Projections(b, { now: lastAt }).peer(stream)).toEqual(
          await new Projections(a, { now: lastAt }).peer(stream),
        );
      }
      const history = { limit: -1, offset: 0 };
      expect((await b.history(history)).transitions).toEqual((await a.history(history)).transitions);
    } finally {
      await Promise.all([source.destroy(), target.destroy()]);
    }

    // Run again on the finished copy: nothing more to copy, still verified.
    const again = await haco(['migrate-store', '--from', sqlite, '--to', url]);
    expect(again.out).toMatch(/copied 0 events/);
    expect(again.status).toBe(0);
  });

  it('refuses a target that holds another log, and names a missing source', async () => {
    const url = await postgres.createDatabase('other');
    const other = await openDataSource({ type: 'postgres', url });
    await new EventStore(other).ingest(
      generateStream('else/server1', 5, 9).map((envelope) => ({ subject: 's', envelope })),
      NOW,
    );
    await other.destroy();
    const refused = await haco(['migrate-store', '--from', sqlite, '--to', url]);
    expect(refused.status).toBe(1);
    expect(refused.out).toMatch(/not the start of this log: copy into an empty store/);
    const missing = await haco(['migrate-store', '--from', join(dir, 'none.sqlite'), '--to', url]);
    expect(missing.status).toBe(1);
    expect(missing.out).toMatch(/no event log at .*none\.sqlite/);
  });
});
