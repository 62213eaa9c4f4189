import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStore, openDataSource } from '@haco/event-store';
import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import { NatsServer } from '../../tools/harness/nats-server';
import { PeerPair } from '../../tools/harness/peer-cluster';
import { waitFor } from '../../tools/harness/processes';
import { PROJECT_ROOT } from '../../tools/harness/project-root';

jest.setTimeout(120_000);

const HACO = join(PROJECT_ROOT, 'bin', 'haco');

/** The coordinator's retention on a live pair: snapshots, archived heartbeats, and replay and export still whole. */
describe('retention in a running coordinator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haco-retention-'));
  let nats: NatsServer;
  let pair: PeerPair | null = null;
  let coordinator: CoordinatorProcess | null = null;

  beforeAll(async () => {
    nats = await NatsServer.start();
  });
  afterAll(async () => {
    await coordinator?.stop('SIGKILL');
    await pair?.destroy();
    await nats.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('snapshots each stream, archives old heartbeat outcomes, and replay from the start and export still see them', async () => {
    const db = join(dir, 'events.sqlite');
    coordinator = await CoordinatorProcess.start(nats.url, db, {
      HACO_RETENTION_HEARTBEATS: '2s',
      HACO_SNAPSHOT_EVERY: '100',
      HACO_RETENTION_INTERVAL_MS: '1000',
    });
    pair = new PeerPair(nats);
    pair.startBoth();
    await pair.waitForState('server1', 'load-balancing');
    const stream = `${pair.cluster}/server1`;
    const archived = await waitFor(
      'heartbeat outcomes archived',
      async () => {
        const dataSource = await openDataSource({ path: db, readOnly: true });
        try {
          const segments = await new EventStore(dataSource).archiveSegments(stream);
          return segments.length >= 2 ? segments : undefined;
        } finally {
          await dataSource.destroy();
        }
      },
      60_000,
    );
    expect(existsSync(join(dir, 'archive', archived[0].file))).toBe(true);
    expect(coordinator.output()).toContain('replay snapshot saved');
    expect(coordinator.output()).toContain('heartbeat outcomes archived');
    await coordinator.stop('SIGTERM');
    coordinator = null;

    // Offline: replay from the start reads the archive beside the log; export writes every seq once.
    const replay = spawnSync(HACO, ['replay', '--verify', '--from-start', '--stream', stream, '--db', db], {
      encoding: 'utf8',
    });
    expect(replay.stdout).toMatch(new RegExp(`OK +${stream}: `));
    expect(replay.status).toBe(0);
    const fromSnapshot = spawnSync(HACO, ['replay', '--verify', '--stream', stream, '--db', db], {
      encoding: 'utf8',
    });
    expect(fromSnapshot.stdout).toMatch(/from the snapshot at seq \d+/);
    const exported = spawnSync(HACO, ['export', stream, '--db', db], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(exported.status).toBe(0);
    const seqs = exported.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { seq: number }).seq);
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
    const dataSource = await openDataSource({ path: db, readOnly: true });
    try {
      const kept = (await new EventStore(dataSource).readStream(stream)).length;
      expect(kept).toBeLessThan(seqs.length);
    } finally {
      await dataSource.destroy();
    }
  });
});
