import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { EventStore, openDataSource } from '@haco/event-store';
import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import { NatsServer } from '../../tools/harness/nats-server';
import { PeerPair } from '../../tools/harness/peer-cluster';
import { PostgresServer } from '../../tools/harness/postgres-server';
import { own, waitFor } from '../../tools/harness/processes';
import { PROJECT_ROOT } from '../../tools/harness/project-root';
import { generateStream } from '../../tools/harness/stream-generator';

jest.setTimeout(180_000);

const HACO = join(PROJECT_ROOT, 'bin', 'haco');

/** bin/haco without blocking the test's event loop (the coordinator and peers keep running meanwhile). */
function haco(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = own(spawn(HACO, args, { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (status) => resolve({ status, stdout, stderr })));
}

async function idsOf(db: string, stream: string): Promise<string[]> {
  const dataSource = await openDataSource({ path: db, readOnly: true });
  try {
    return (await new EventStore(dataSource).readStream(stream)).map((event) => event.id);
  } finally {
    await dataSource.destroy();
  }
}

/** Backup and restore while ingest runs; afterwards the peers' newer events come back from their outboxes. */
describe('store backup and restore under load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haco-backup-'));
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

  it('backs up a log being written, restores it with the same fingerprint, and catches up from the peers', async () => {
    const db = join(dir, 'coordinator', 'events.sqlite');
    const backup = join(dir, 'backups', 'events-backup.sqlite');
    coordinator = await CoordinatorProcess.start(nats.url, db);
    pair = new PeerPair(nats);
    pair.startBoth();
    await pair.waitForState('server1', 'load-balancing');
    await pair.waitForState('server2', 'load-balancing');
    const streams = [`${pair.cluster}/server1`, `${pair.cluster}/server2`];

    // Load: a third stream published straight into JetStream, batch after batch, for as long as the backup runs.
    const nc = await connect({ servers: nats.url });
    const js = jetstream(nc);
    const load = generateStream('load/server9', 60_000, 5);
    let published = 0;
    let loadOn = true;
    const loading = (async () => {
      for (let at = 0; loadOn && at < load.length; at += 200) {
        await js.publish('haco.load.server9.events', JSON.stringify(load.slice(at, at + 200)));
        published += Math.min(200, load.length - at);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const head = async () => {
      const dataSource = await openDataSource({ path: db, readOnly: true });
      try {
        return await new EventStore(dataSource).headPosition();
      } finally {
        await dataSource.destroy();
      }
    };
    await waitFor('the load under way', async () => (published >= 2_000 ? true : undefined));
    const headBefore = await head();
    const backedUp = await haco(['store', 'backup', backup, '--db', db]);
    const headAfter = await head();
    loadOn = false;
    await loading;
    await nc.close();
    expect(backedUp.stderr).toBe('');
    expect(backedUp.status).toBe(0);
    const fingerprint = /(\d+) events up to position (\d+); history sha256 ([0-9a-f]{64})/.exec(
      backedUp.stdout,
    )!;
    expect(fingerprint).not.toBeNull();
    // Taken while ingest ran: the log grew during the backup, and the backup is one consistent point of it.
    expect(headAfter).toBeGreaterThan(headBefore);
    expect(Number(fingerprint[2])).toBeGreaterThanOrEqual(headBefore);
    expect(Number(fingerprint[2])).toBeLessThanOrEqual(headAfter);

    // After the backup the peers go on recording: a command each, and their heartbeats.
    expect((await pair.command('server1', 'dhcp-disable')).result).toBe(0);
    expect((await pair.command('server1', 'dhcp-enable')).result).toBe(0);
    expect((await pair.command('server2', 'ha-maintenance-cancel')).result).toBeGreaterThanOrEqual(0);
    await waitFor('the coordinator to hold what the peers published', async () => {
      const outboxes = ['server1', 'server2'].map((name) => pair!.outboxState(name));
      const stored = await Promise.all(streams.map((stream) => idsOf(db, stream)));
      return outboxes.every((o, i) => o.publishedSeq === o.lastSeq && stored[i].length >= o.lastSeq)
        ? true
        : undefined;
    });
    await coordinator.stop('SIGTERM');
    coordinator = null;
    const before = await Promise.all(streams.map((stream) => idsOf(db, stream)));
    for (const suffix of ['', '-wal', '-shm'])
      if (existsSync(db + suffix)) renameSync(db + suffix, `${db}.lost${suffix}`);

    // Restored: the same fingerprint the backup printed.
    const restored = await haco(['store', 'restore', backup, '--db', db]);
    expect(restored.stderr).toBe('');
    expect(restored.status).toBe(0);
    expect(restored.stdout).toContain(fingerprint[0]);
    const atRestore = await Promise.all(streams.map((stream) => idsOf(db, stream)));
    expect(atRestore[0].length).toBeLessThan(before[0].length);

    // A coordinator on the restored log asks each peer for what it lacks: everything comes back.
    coordinator = await CoordinatorProcess.start(nats.url, db);
    await waitFor(
      'the events recorded after the backup back in the log',
      async () => {
        const now = await Promise.all(streams.map((stream) => idsOf(db, stream)));
        return before.every((ids, i) => ids.every((id) => now[i].includes(id))) ? true : undefined;
      },
      60_000,
    );
    const verified = await coordinator.get<{
      verified: boolean;
      streams: { stream: string; verified: boolean }[];
    }>('/replay/verify');
    expect(verified.streams.filter((s) => streams.includes(s.stream))).toEqual([
      expect.objectContaining({ stream: streams[0], verified: true }),
      expect.objectContaining({ stream: streams[1], verified: true }),
    ]);
    expect(coordinator.output()).toContain('a peer publishes again what the log lacks');
  });

  it('on PostgreSQL: pg_dump while ingest runs, pg_restore, and haco store verify gives the source’s fingerprint at that point', async () => {
    // The SQLite test's coordinator and pair are done: one coordinator consumes the events at a time.
    await coordinator?.stop('SIGKILL');
    await pair?.destroy();
    const postgres = await PostgresServer.start({ fsync: false });
    try {
      const source = await postgres.createDatabase('haco_source');
      coordinator = await CoordinatorProcess.start(nats.url, source);
      pair = new PeerPair(nats);
      pair.startBoth();
      await pair.waitForState('server1', 'load-balancing');
      const streams = [`${pair.cluster}/server1`, `${pair.cluster}/server2`];
      const dump = join(dir, 'haco.dump');
      // The documented way: one consistent snapshot, taken while the peers' heartbeats are being ingested.
      const dumped = spawnSync(postgres.program('pg_dump'), ['-Fc', '-f', dump, '-d', source], {
        encoding: 'utf8',
      });
      expect(dumped.stderr).toBe('');
      expect(dumped.status).toBe(0);
      const target = await postgres.createDatabase('haco_restored');
      const restored = spawnSync(postgres.program('pg_restore'), ['--no-owner', '-d', target, dump], {
        encoding: 'utf8',
      });
      expect(restored.stderr).toBe('');
      expect(restored.status).toBe(0);
      const ofRestored = await haco(['store', 'verify', '--db', target]);
      expect(ofRestored.status).toBe(0);
      const line = /(\d+) events up to position (\d+); history sha256 [0-9a-f]{64}/.exec(ofRestored.stdout)!;
      expect(line).not.toBeNull();
      // The source has gone on since: at the restored copy's position its fingerprint is the copy's.
      const ofSource = await haco(['store', 'verify', '--db', source, '--up-to', line[2]]);
      expect(ofSource.status).toBe(0);
      expect(ofSource.stdout).toContain(line[0]);

      // A coordinator on the restored copy catches up from the peers, as on SQLite.
      await coordinator.stop('SIGTERM');
      coordinator = await CoordinatorProcess.start(nats.url, target);
      await waitFor(
        'the restored copy to catch up',
        async () => {
          const outboxes = ['server1', 'server2'].map((name) => pair!.outboxState(name).lastSeq);
          const verify = await coordinator!.get<{ streams: { stream: string; events: number }[] }>(
            '/replay/verify',
          );
          const events = streams.map(
            (stream) => verify.streams.find((s) => s.stream === stream)?.events ?? 0,
          );
          return events.every((n, i) => n >= outboxes[i]) ? true : undefined;
        },
        60_000,
      );
    } finally {
      await coordinator?.stop('SIGKILL');
      coordinator = null;
      await postgres.destroy();
    }
  });
});
