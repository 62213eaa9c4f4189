import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { EventStore, openDataSource, verifyStreamChain } from '../src';
import { own } from '../../../tools/harness/processes';
import type { StoreKind } from './support/test-stores';
import { STORE_KINDS, testStores } from './support/test-stores';

jest.setTimeout(60_000);

const COUNT = 1_000;

const stores = testStores('two-writers');

describe.each(STORE_KINDS)('two processes writing one event log on %s', (kind: StoreKind) => {
  it('take the write lock in turn: every append of both is stored, none refused as busy', async () => {
    const options = await stores.options(kind);
    const dataSource = await openDataSource(options);
    const store = new EventStore(dataSource);
    const other = own(
      spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          join(__dirname, 'support', 'append-loop.ts'),
          JSON.stringify(options),
          'lab/other',
          String(COUNT),
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      ),
    );
    try {
      const lines = createInterface({ input: other.stdout })[Symbol.asyncIterator]();
      expect((await lines.next()).value).toBe('ready');
      const answer = lines.next();
      const errors: string[] = [];
      // A live reader pages by position after the last it saw, as the SSE feed and exports do, while both
      // write: it must see every event once, none passed by one that committed late.
      const seen: number[] = [];
      let writing = true;
      const reader = (async () => {
        for (let last = 0; writing || last < 2 * COUNT;) {
          const page = await store.readAfter(last, 200);
          for (const event of page) seen.push(event.position);
          last = page.length > 0 ? page[page.length - 1].position : last;
          if (page.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
        }
      })();
      // Both write at once: each of these reads the stream head, then writes, in one transaction.
      for (let i = 1; i <= COUNT; i += 1) {
        const at = new Date(Date.UTC(2026, 10, 25, 3, 0, 0, i)).toISOString();
        await store
          .appendNext('lab/mine', { type: 'Noted', data: { text: `${i}` } }, { id: `lab/mine-${i}`, at })
          .catch((error: Error) => errors.push(error.message));
      }
      expect((await answer).value).toBe('done');
      writing = false;
      await reader;
      expect(errors).toEqual([]);
      expect(seen).toEqual(Array.from({ length: 2 * COUNT }, (_, i) => i + 1));
      const heads = await store.streams();
      expect(heads.map(({ stream, lastSeq }) => ({ stream, lastSeq }))).toEqual([
        { stream: 'lab/mine', lastSeq: COUNT },
        { stream: 'lab/other', lastSeq: COUNT },
      ]);
      // Each writer linked its events to the head the other left: both chains hold.
      for (const stream of ['lab/mine', 'lab/other'])
        expect(await verifyStreamChain(store, stream, null)).toMatchObject({ broken: null, events: COUNT });
      for (const stream of ['lab/mine', 'lab/other']) {
        expect((await store.readStream(stream)).map((e) => e.seq)).toEqual(
          Array.from({ length: COUNT }, (_, i) => i + 1),
        );
      }
      // Positions are one run with no hole: each was given in commit order, so a reader paging by
      // position after the last it saw can never pass one that committed late.
      const positions = (await store.readAfter(0, 10 * COUNT)).map((e) => e.position);
      expect(positions).toEqual(Array.from({ length: 2 * COUNT }, (_, i) => i + 1));
    } finally {
      if (other.exitCode === null) other.kill('SIGKILL');
      await dataSource.destroy();
    }
  });
});
