import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { UnchainedEnvelope } from '@haco/contracts';
import { chainEnvelopes, eventSubject, GENESIS_HASH } from '@haco/contracts';
import { ensureEventsStream } from '@haco/nats';
import { EventStore, openDataSource } from '@haco/event-store';
import { PROJECT_ROOT } from '../support/conformance-cli';
import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import { NatsServer } from '../../tools/harness/nats-server';
import { PeerPair } from '../../tools/harness/peer-cluster';
import { waitFor } from '../../tools/harness/processes';
import { generateStream } from '../../tools/harness/stream-generator';

jest.setTimeout(120_000);

async function countStored(dbPath: string): Promise<{ total: number; streams: Map<string, number[]> }> {
  const dataSource = await openDataSource({ path: dbPath, readOnly: true });
  try {
    const rows = (await dataSource.query('SELECT stream, seq FROM events ORDER BY position')) as {
      stream: string;
      seq: number;
    }[];
    const streams = new Map<string, number[]>();
    for (const row of rows) streams.set(row.stream, [...(streams.get(row.stream) ?? []), row.seq]);
    return { total: rows.length, streams };
  } finally {
    await dataSource.destroy();
  }
}

/** The replay CLI as a process, read-only on a store file. */
const replayCli = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'apps/cli/src/replay/main.ts', ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });

/*
 * Longer than 250 lines because each case drives the one coordinator process through kills, commands and
 * a tampered store, with the checks each needs beside it.
 */
describe('the coordinator as a real process', () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  const dir = mkdtempSync(join(tmpdir(), 'haco-coordinator-'));

  beforeAll(async () => {
    nats = await NatsServer.start();
    nc = await connect({ servers: nats.url });
    await ensureEventsStream(nc, { replicas: 1 });
  });
  afterAll(async () => {
    await nc.close();
    await nats.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores every event exactly once and in order across kill -9 during a burst', async () => {
    const dbPath = join(dir, 'burst.sqlite');
    const coordinator = await CoordinatorProcess.start(nats.url, dbPath);
    const streams = ['burst/a', 'burst/b', 'burst/c'];
    const perStream = 600;
    // Each stream linked as its peer's outbox links it.
    const heads = new Map(streams.map((stream) => [stream, GENESIS_HASH]));
    const publishing = (async () => {
      for (let seq = 1; seq <= perStream; seq += 1) {
        for (const stream of streams) {
          const [cluster, peer] = stream.split('/');
          const unlinked: UnchainedEnvelope = {
            schema: 1,
            id: `${stream}#${seq}`,
            stream,
            seq,
            type: 'HeartbeatFailed',
            data: { reason: `burst ${seq}` },
            at: new Date().toISOString(),
            causationId: null,
            correlationId: null,
          };
          const linked = chainEnvelopes(heads.get(stream)!, [unlinked]);
          heads.set(stream, linked.head);
          const [envelope] = linked.envelopes;
          await jetstream(nc).publish(eventSubject(cluster, peer), JSON.stringify(envelope), {
            msgID: envelope.id,
          });
        }
      }
    })();
    await waitFor('some events stored', async () =>
      (await countStored(dbPath)).total > 200 ? true : undefined,
    );
    await coordinator.stop('SIGKILL');
    await publishing;
    await coordinator.restart();
    await waitFor(
      'every event stored',
      async () => ((await countStored(dbPath)).total === streams.length * perStream ? true : undefined),
      60_000,
    );
    const { streams: stored } = await countStored(dbPath);
    for (const stream of streams)
      expect(stored.get(stream)).toEqual(Array.from({ length: perStream }, (_, i) => i + 1));
    await coordinator.stop();
  });

  it('records ha-continue with who and why before its effect, refuses a stale guard, and records an unreachable peer', async () => {
    const dbPath = join(dir, 'commands.sqlite');
    const coordinator = await CoordinatorProcess.start(nats.url, dbPath);
    const pair = new PeerPair(nats, { pausing: { server1: { ready: 'once' } } });
    try {
      pair.startBoth();
      await pair.waitForState('server1', 'ready', true);
      const path = `/peers/${pair.cluster}/server1/commands`;
      const stale = await coordinator.post<{ result: number; text: string }>(path, {
        command: 'ha-continue',
        who: 'alice',
        why: 'leases rebuilt',
        guard: 'waiting',
      });
      expect(stale.body).toMatchObject({ result: 1, text: expect.stringContaining('refused: the guard') });
      expect((await pair.status('server1')).paused).toBe(true);

      const accepted = await coordinator.post<{ commandId: string; result: number; text: string }>(path, {
        command: 'ha-continue',
        who: 'alice',
        why: 'leases rebuilt',
        guard: 'ready',
      });
      expect(accepted.body).toMatchObject({ result: 0, text: 'HA state machine continues.' });
      const record = await waitFor('the continue and its effect in the log', async () => {
        const r = await coordinator.get<{
          issued: { position: number; data: Record<string, unknown> };
          outcome: { type: string; position: number; data: Record<string, unknown> };
          effects: { type: string; position: number }[];
        }>(`/commands/${accepted.body.commandId}`);
        return r.effects.some((e) => e.type === 'StateMachineContinued') ? r : undefined;
      });
      // Who is the token's name; what the body called the operator is kept as a note beside it.
      expect(record.issued.data).toMatchObject({
        who: 'admin',
        onBehalfOf: 'alice',
        why: 'leases rebuilt',
        guard: 'ready',
        peer: 'server1',
      });
      expect(record.outcome).toMatchObject({ type: 'CommandCompleted', data: { response: { result: 0 } } });
      const effect = record.effects.find((e) => e.type === 'StateMachineContinued')!;
      expect(record.issued.position).toBeLessThan(effect.position);

      // A peer the log has never heard of: refused as unknown, and nothing is recorded.
      const commandsBefore = await countCommands(coordinator);
      const unknown = await coordinator.post<{ result: number; text: string }>(
        `/peers/${pair.cluster}/server7/commands`,
        { command: 'ha-continue', who: 'bob', why: 'test' },
      );
      expect(unknown).toEqual({
        status: 404,
        body: { result: 1, text: `no peer ${pair.cluster}/server7 is known to the coordinator` },
      });
      expect(await countCommands(coordinator)).toBe(commandsBefore);

      await pair.waitForState('server1', 'load-balancing');
      // A known peer that is gone: the command is recorded, and so is its failure.
      await pair.processes.get('server2')!.stop('SIGKILL');
      const lost = await coordinator.post<{ commandId: string; result: number; text: string }>(
        `/peers/${pair.cluster}/server2/commands`,
        { command: 'ha-maintenance-cancel', why: 'test' },
      );
      expect(lost.body).toMatchObject({ result: 1, text: expect.stringContaining('unreachable') });
      const failed = await coordinator.get<{ outcome: { type: string } }>(`/commands/${lost.body.commandId}`);
      expect(failed.outcome.type).toBe('CommandFailed');
      const peers = await coordinator.get<{ peers: { peer: string; state: string }[] }>('/peers');
      expect(peers.peers.filter((p) => p.peer === 'server1').length).toBeGreaterThan(0);
      const history = await waitFor('the history up to load-balancing', async () => {
        const h = await coordinator.get<{
          transitions: {
            to: string;
            cause: string;
            durationInPreviousMs: number | null;
            commandId: string | null;
            who: string | null;
          }[];
        }>(`/peers/${pair.cluster}/server1/history`);
        return h.transitions.some((t) => t.to === 'load-balancing') ? h.transitions : undefined;
      });
      expect(history.map((t) => t.to)).toEqual(
        expect.arrayContaining(['syncing', 'ready', 'load-balancing']),
      );
      // Transitions came from rules, each with its time in the state before; the run's start and the
      // continue are rows of their own, in the state they happened in.
      const transitions = history.filter((t) => !/^(started|stopped|paused|continued)/.test(t.cause));
      expect(transitions.every((t) => t.cause.startsWith('rule:') && t.durationInPreviousMs !== null)).toBe(
        true,
      );
      expect(history.map((t) => t.cause)).toEqual(
        expect.arrayContaining(['started', 'paused:once', 'continued']),
      );
      // The continue's own row carries its command id and operator; the transitions it unblocks come
      // later, decided by the machine's rules, and carry none (as docs/architecture.md says).
      const continued = history.find((t) => t.cause === 'continued')!;
      expect(continued).toMatchObject({ commandId: accepted.body.commandId, who: 'admin' });
      expect(transitions.every((t) => t.commandId === null && t.who === null)).toBe(true);
      expect(record.effects.map((e) => e.type)).toEqual([
        'CommandReceived',
        'StateMachineContinued',
        'CommandAnswered',
      ]);
      expect(await coordinator.get('/gaps')).toEqual({ gaps: [] });
    } finally {
      await pair.destroy();
      await coordinator.stop();
    }
    const replay = replayCli(['--verify', '--db', dbPath]);
    expect(replay.stdout).toMatch(/streams verified/);
    expect(replay.stdout).not.toContain('DIVERGED');
    expect(replay.status).toBe(0);
  });

  it('replay --verify reports the first divergence in a tampered store, changing nothing', async () => {
    const dbPath = join(dir, 'tampered.sqlite');
    const coordinator = await CoordinatorProcess.start(nats.url, dbPath);
    const pair = new PeerPair(nats);
    try {
      pair.startBoth();
      await pair.waitForState('server1', 'load-balancing');
      await waitFor('transitions stored', async () => {
        const store = await openDataSource({ path: dbPath, readOnly: true });
        const rows = (await store.query(
          "SELECT COUNT(*) AS n FROM events WHERE type = 'StateTransitioned'",
        )) as { n: number }[];
        await store.destroy();
        return rows[0].n >= 3 ? true : undefined;
      });
    } finally {
      await pair.destroy();
      await coordinator.stop();
    }
    const dataSource = await openDataSource({ path: dbPath });
    const [victim] = (await dataSource.query(
      "SELECT stream, seq FROM events WHERE type = 'StateTransitioned' AND stream LIKE ? ORDER BY position LIMIT 1",
      [`${pair.cluster}/server1`],
    )) as { stream: string; seq: number }[];
    await dataSource.query(
      "UPDATE events SET data = json_set(data, '$.to', 'terminated') WHERE stream = ? AND seq = ?",
      [victim.stream, victim.seq],
    );
    const before = await new EventStore(dataSource).countEvents();
    await dataSource.destroy();
    const replay = replayCli(['--verify', '--db', dbPath, '--stream', victim.stream]);
    expect(replay.status).toBe(1);
    expect(replay.stdout).toContain(
      `DIVERGED  ${victim.stream} at seq ${victim.seq}: replay decided differently`,
    );
    const after = await openDataSource({ path: dbPath, readOnly: true });
    expect(await new EventStore(after).countEvents()).toBe(before);
    await after.destroy();
  });

  it('replay --verify proves a long stream, and can compute a past state', async () => {
    const dbPath = join(dir, 'long.sqlite');
    const dataSource = await openDataSource({ path: dbPath, synchronous: 'OFF' });
    const envelopes = generateStream('long/server1', 30_000);
    const store = new EventStore(dataSource);
    for (let i = 0; i < envelopes.length; i += 2_000) {
      const batch = envelopes
        .slice(i, i + 2_000)
        .map((envelope) => ({ subject: 'haco.long.server1.events', envelope }));
      await store.ingest(batch, new Date().toISOString());
    }
    await dataSource.destroy();
    const replay = replayCli(['--verify', '--db', dbPath]);
    expect(replay.stdout).toContain(`OK        long/server1: ${envelopes.length} events`);
    expect(replay.status).toBe(0);
    const middle = envelopes[Math.floor(envelopes.length / 2)].at;
    const past = replayCli(['--state-at', middle, '--stream', 'long/server1', '--db', dbPath]);
    expect(past.status).toBe(0);
    expect(JSON.parse(past.stdout)).toMatchObject({
      cluster: 'long',
      peer: 'server1',
      state: expect.any(String),
    });
  });
});

/** How many events the coordinator's commands stream holds, from its export. */
async function countCommands(coordinator: CoordinatorProcess): Promise<number> {
  const response = await fetch(`${coordinator.url}/streams/_coordinator/commands/export`);
  if (response.status === 404) return 0;
  return (await response.text()).split('\n').filter((line) => line.trim().length > 0).length;
}
