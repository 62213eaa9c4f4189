import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { EventStore, openDataSource } from '../src';
import { own } from '../../../tools/harness/processes';

jest.setTimeout(60_000);

const COUNT = 1_000;

describe('two processes writing one event log file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haco-two-writers-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('take the write lock in turn: every append of both is stored, none refused as busy', async () => {
    const path = join(dir, 'events.sqlite');
    const dataSource = await openDataSource({ path });
    const store = new EventStore(dataSource);
    const other = own(
      spawn(
        process.execPath,
        ['--import', 'tsx', join(__dirname, 'support', 'append-loop.ts'), path, 'lab/other', String(COUNT)],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      ),
    );
    try {
      const lines = createInterface({ input: other.stdout })[Symbol.asyncIterator]();
      expect((await lines.next()).value).toBe('ready');
      const answer = lines.next();
      const errors: string[] = [];
      // Both write at once: each of these reads the stream head, then writes, in one transaction.
      for (let i = 1; i <= COUNT; i += 1) {
        const at = new Date(Date.UTC(2026, 10, 25, 3, 0, 0, i)).toISOString();
        await store
          .appendNext('lab/mine', { type: 'Noted', data: { text: `${i}` } }, { id: `lab/mine-${i}`, at })
          .catch((error: Error) => errors.push(error.message));
      }
      expect((await answer).value).toBe('done');
      expect(errors).toEqual([]);
      const heads = await store.streams();
      expect(heads).toEqual([
        { stream: 'lab/mine', lastSeq: COUNT },
        { stream: 'lab/other', lastSeq: COUNT },
      ]);
      for (const stream of ['lab/mine', 'lab/other']) {
        expect((await store.readStream(stream)).map((e) => e.seq)).toEqual(
          Array.from({ length: COUNT }, (_, i) => i + 1),
        );
      }
    } finally {
      if (other.exitCode === null) other.kill('SIGKILL');
      await dataSource.destroy();
    }
  });
});
