import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import { NatsServer } from '../../tools/harness/nats-server';
import { PausedCluster } from '../support/paused-cluster';
import type { PeerPair } from '../../tools/harness/peer-cluster';
import { readLiveEvents } from '../support/live-events';

/*
 * Longer than 250 lines because it walks one running cluster through the operator API in order, from its
 * paused start to its continue, each test building on the state the one before left.
 */
jest.setTimeout(120_000);

describe('the operator and monitoring API against a running cluster', () => {
  let cluster: PausedCluster;
  let coordinator: CoordinatorProcess;
  let pair: PeerPair;

  beforeAll(async () => {
    cluster = await PausedCluster.start('haco-api-');
    ({ coordinator, pair } = cluster);
  });
  afterAll(async () => cluster.destroy());

  it('refuses every changing call without a valid bearer token', async () => {
    const path = `/peers/${pair.cluster}/server1/commands`;
    const body = { command: 'ha-continue', who: 'mallory', why: 'no token' };
    expect(await coordinator.post(path, body, { token: null })).toEqual({
      status: 401,
      body: { result: 1, text: 'Unauthorized: a valid bearer token is required for this call' },
    });
    expect((await coordinator.post(path, body, { token: 'wrong' })).status).toBe(401);
    const kea = await coordinator.post(
      '/',
      { command: 'ha-continue', arguments: { cluster: pair.cluster, peer: 'server1' } },
      { token: null },
    );
    expect(kea.status).toBe(401);
    expect((await pair.status('server1')).paused).toBe(true);
  });

  it('answers Kea control-channel requests on POST /', async () => {
    const overview = await coordinator.post<{
      result: number;
      arguments: { 'high-availability': unknown[] };
    }>('/', { command: 'status-get' });
    expect(overview.status).toBe(200);
    expect(overview.body.arguments['high-availability']).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          cluster: pair.cluster,
          'ha-mode': 'load-balancing',
          // The peer's own section, remote included, with haco's paused flag.
          'ha-servers': {
            local: expect.objectContaining({
              'server-name': 'server1',
              role: 'primary',
              state: 'ready',
              paused: true,
            }),
            remote: expect.objectContaining({ role: 'secondary', 'in-touch': expect.any(Boolean) }),
          },
        }),
      ]),
    );
    const peerStatus = await coordinator.post<unknown[]>('/', {
      command: 'status-get',
      service: ['dhcp4'],
      arguments: { cluster: pair.cluster, peer: 'server1' },
    });
    expect(peerStatus.body).toEqual([
      expect.objectContaining({
        result: 0,
        arguments: { 'high-availability': [expect.objectContaining({ 'ha-mode': 'load-balancing' })] },
      }),
    ]);
    expect((await coordinator.post('/', { command: 'config-get' })).body).toEqual({
      result: 2,
      text: "'config-get' command not supported.",
    });
    expect((await coordinator.post('/', { command: 'ha-continue' })).body).toEqual({
      result: 1,
      text: "'ha-continue' needs 'cluster' and 'peer' in its arguments to name the peer",
    });
    const malformed = await coordinator.post('/', '{"command": "status-get",', { raw: true });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({
      result: 1,
      text: expect.stringContaining('invalid request body'),
    });
    expect((await coordinator.post('/', { service: ['dhcp4'] })).status).toBe(400);
  });

  it('streams the log live (SSE) and resumes after the last event id', async () => {
    const readFrom = async (after: string | null, count: number, headers: Record<string, string> = {}) => {
      let contentType: string | null = null;
      const events = await readLiveEvents(
        `${coordinator.url}/events/live?stream=${pair.cluster}/server1${after === null ? '' : `&after=${after}`}`,
        count,
        {
          headers,
          opened: (type) => (contentType = type),
        },
      );
      expect(contentType).toContain('text/event-stream');
      return events.map((e) => ({ id: e.id, type: e.type, seq: e.stored.seq }));
    };
    // From the start of the log when asked (after=0); from the head when not.
    const first = await readFrom('0', 3);
    expect(first.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(first[0].type).toBe('ServiceStarted');
    const resumed = await readFrom(null, 1, { 'last-event-id': String(first[1].id) });
    expect(resumed).toEqual([first[2]]);
    // With no position it starts at the head: the next event is one committed after it opened.
    const head = await readFrom(null, 1);
    expect(head[0].seq).toBeGreaterThan(3);
  });

  it('filters and pages the history, exports a stream, and verifies replay over REST', async () => {
    const page = await coordinator.get<{ total: number; limit: number; transitions: { to: string }[] }>(
      `/history?peer=${pair.cluster}/server1&limit=1`,
    );
    expect(page.total).toBeGreaterThanOrEqual(2);
    expect(page.transitions).toHaveLength(1);
    const ready = await coordinator.get<{ transitions: { to: string; from: string }[] }>(
      `/history?state=ready&peer=${pair.cluster}/server1`,
    );
    expect(ready.transitions.every((t) => t.to === 'ready' || t.from === 'ready')).toBe(true);
    expect((await coordinator.text('/history?since=nonsense')).status).toBe(400);
    const exported = await coordinator.text(`/streams/${pair.cluster}/server1/export`);
    expect(exported.contentType).toContain('application/x-ndjson');
    expect(JSON.parse(exported.body.split('\n')[0])).toMatchObject({ seq: 1, type: 'ServiceStarted' });
    const verified = await coordinator.get<{
      verified: boolean;
      streams: { stream: string; verified: boolean }[];
    }>('/replay/verify');
    expect(verified.verified).toBe(true);
    expect(verified.streams.map((s) => s.stream)).toEqual(
      expect.arrayContaining([`${pair.cluster}/server1`, `${pair.cluster}/server2`]),
    );
  });

  it('lists clusters with their peers and pauses', async () => {
    const { clusters } = await coordinator.get<{
      clusters: { name: string; peers: string[]; paused: string[] }[];
    }>('/clusters');
    expect(clusters.find((c) => c.name === pair.cluster)).toEqual({
      name: pair.cluster,
      peers: expect.arrayContaining(['server1', 'server2']),
      paused: expect.any(Array),
    });
  });

  it('stays healthy while a peer is paused', async () => {
    const up = { status: 'up', responseTime: expect.any(Number) as number };
    expect(await coordinator.text('/health/live')).toMatchObject({ status: 200 });
    expect(await coordinator.get('/health/ready')).toEqual({
      status: 'ok',
      info: { nats: up, database: up },
      error: {},
      details: { nats: up, database: up },
      checks: { nats: true, database: true },
    });
  });

  it('exposes Prometheus metrics: one-hot state, paused flag, timestamps, failover progress, counters', async () => {
    const { status, body, contentType } = await coordinator.text('/metrics');
    expect(status).toBe(200);
    expect(contentType).toContain('text/plain');
    const peer = `cluster="${pair.cluster}",peer="server1"`;
    expect(body).toContain('# TYPE haco_peer_state gauge');
    expect(body).toContain(`haco_peer_state{${peer},state="ready"} 1`);
    expect(body).toContain(`haco_peer_state{${peer},state="load-balancing"} 0`);
    expect(body).toContain(`haco_peer_paused{${peer}} 1`);
    expect(body).toMatch(new RegExp(`haco_peer_state_since_timestamp_seconds\\{${peer}\\} \\d`));
    expect(body).toMatch(new RegExp(`haco_peer_last_heartbeat_timestamp_seconds\\{${peer}\\} \\d`));
    // The failover progress Stork shows, and the configured pauses (server1 pauses once in ready: used).
    expect(body).toMatch(new RegExp(`haco_peer_partner_in_touch\\{${peer}\\} 1`));
    expect(body).toMatch(new RegExp(`haco_peer_unacked_clients_left\\{${peer}\\} \\d`));
    expect(body).toMatch(
      new RegExp(`haco_peer_pause_configured\\{${peer},state="ready",pause="once"\\} [01]`),
    );
    expect(body).not.toMatch(/_age_seconds|\bnan\b/i);
    // server2 is held by server1's pause (Kea's pausing holds the partner too).
    expect(body).toContain(`haco_peer_waiting_on_partner_pause{cluster="${pair.cluster}",peer="server2"} 1`);
    expect(body).toMatch(/haco_peer_transitions_total\{[^}]*peer="server1"\} [1-9]/);
    expect(body).toMatch(/^haco_ingest_lag_seconds \d/m);
    expect(body).toMatch(/^haco_dead_letters_total \d/m);
    // prom-client: histograms of ingest commits, commands and HTTP requests, and Node's own metrics.
    expect(body).toMatch(/^haco_ingest_commit_duration_seconds_count [1-9]/m);
    expect(body).toContain('# TYPE haco_command_duration_seconds histogram');
    expect(body).toMatch(
      /^haco_http_request_duration_seconds_count\{method="GET",route="\/peers",status="200"\} [1-9]/m,
    );
    expect(body).toMatch(/^process_cpu_seconds_total \d/m);
    expect(body).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
  });

  it('logs what a request causes with its correlation id, and answers it in X-Request-Id', async () => {
    const response = await fetch(`${coordinator.url}/peers/${pair.cluster}/server1/commands`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${CoordinatorProcess.TOKEN}`,
        'content-type': 'application/json',
        'x-request-id': 'corr-test-1',
      },
      // A command that is recorded (a read, such as status-get, is answered and never recorded).
      body: JSON.stringify({ command: 'ha-maintenance-cancel', why: 'log test' }),
    });
    expect(response.headers.get('x-request-id')).toBe('corr-test-1');
    const { commandId } = (await response.json()) as { commandId: string };
    const lines = coordinator
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const issued = lines.find((l) => l['message'] === 'command issued' && l['commandId'] === commandId);
    expect(issued).toMatchObject({
      level: 'info',
      correlationId: 'corr-test-1',
      stream: `${pair.cluster}/server1`,
    });
    const fresh = await fetch(`${coordinator.url}/peers`);
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('continues the pair through the Kea endpoint with the token, and counts the command', async () => {
    const answer = await coordinator.post('/', {
      command: 'ha-continue',
      arguments: {
        cluster: pair.cluster,
        peer: 'server1',
        who: 'carol',
        why: 'maintenance done',
        guard: 'ready',
      },
    });
    expect(answer.body).toEqual({ result: 0, text: 'HA state machine continues.' });
    await pair.waitForState('server1', 'load-balancing');
    // The peer's own lines: each names its stream, and those the command caused name the command.
    const peerLines = (pair.processes.get('server1')?.output ?? [])
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(peerLines.every((line) => line['stream'] === `${pair.cluster}/server1`)).toBe(true);
    expect(peerLines.find((line) => line['kea'] === 'HA_STATE_MACHINE_CONTINUED')).toMatchObject({
      commandId: expect.any(String),
      correlationId: expect.any(String),
    });
    expect((await coordinator.text('/metrics')).body).toMatch(
      /haco_commands_total\{outcome="completed"\} [1-9]/,
    );
  });
});

describe('a coordinator without an API token', () => {
  it('refuses changes outright, and can protect reads', async () => {
    const nats = await NatsServer.start();
    const dir = mkdtempSync(join(tmpdir(), 'haco-notoken-'));
    const coordinator = await CoordinatorProcess.start(nats.url, join(dir, 'events.sqlite'), {
      HACO_API_TOKEN: '',
      HACO_PROTECT_READS: 'true',
    });
    try {
      const change = await coordinator.post(
        '/peers/x/y/commands',
        { command: 'ha-continue', who: 'a' },
        { token: null },
      );
      expect(change.status).toBe(403);
      expect(change.body).toMatchObject({ text: expect.stringContaining('no API tokens configured') });
      expect((await coordinator.text('/peers')).status).toBe(403);
      expect((await coordinator.text('/health/live')).status).toBe(200);
    } finally {
      await coordinator.stop();
      await nats.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
