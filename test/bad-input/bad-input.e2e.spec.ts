import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { PROJECT_ROOT } from '../support/conformance-cli';
import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import { PausedCluster } from '../support/paused-cluster';
import { runTsToExit, waitFor } from '../../tools/harness/processes';
import { LOAD_BALANCING_RELATIONSHIP } from '../support/fixtures';

/*
 * Longer than 250 lines because it is a table of bad inputs over every channel against one cluster.
 */
jest.setTimeout(120_000);

/**
 * Bad input from every side a production cluster is reachable from, against real processes: each is
 * answered with a clear error, leaves a trace (a dead letter, a refusal metric and log line, a logged
 * command), and nothing crashes or changes state.
 */
describe('bad input', () => {
  let cluster: PausedCluster;
  let nc: NatsConnection;
  const peerSubject = (peer: string, kind: 'cmd' | 'events') =>
    `haco.${cluster.pair.cluster}.${peer}.${kind}`;
  const stream = (peer: string) => `${cluster.pair.cluster}/${peer}`;

  beforeAll(async () => {
    cluster = await PausedCluster.start('haco-bad-input-');
    nc = await connect({ servers: cluster.nats.url });
  });
  afterAll(async () => {
    await nc?.close();
    await cluster?.destroy();
  });

  const post = async (path: string, body: string) => {
    const response = await fetch(`${cluster.coordinator.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${CoordinatorProcess.TOKEN}` },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const get = async (path: string) => {
    const response = await fetch(`${cluster.coordinator.url}${path}`, {
      headers: { authorization: `Bearer ${CoordinatorProcess.TOKEN}` },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  describe('over HTTP, to the coordinator', () => {
    const commands = () => `/peers/${cluster.pair.cluster}/server1/commands`;
    it.each([
      ['malformed JSON (Kea API)', () => '/', '{"command": "status-get"', 400, /invalid request body/],
      ['malformed JSON (commands)', commands, '{who:', 400, /invalid request body/],
      ['a JSON list for a map (Kea API)', () => '/', '["status-get"]', 400, /must be a JSON map/],
      [
        'a number for the command (Kea API)',
        () => '/',
        '{"command": 5}',
        400,
        /'command' must be a non-empty string/,
      ],
      ['a number for the command', commands, '{"command": 5, "who": "t"}', 400, /command/],
      ['a number for who', commands, '{"command": "ha-continue", "who": 7}', 400, /who/],
      [
        'a list for the arguments',
        commands,
        '{"command": "ha-continue", "who": "t", "arguments": []}',
        400,
        /arguments/,
      ],
      [
        'a huge payload (2 MiB)',
        () => '/',
        `{"command": "status-get", "pad": "${'x'.repeat(2 * 1024 * 1024)}"}`,
        413,
        /too large/,
      ],
    ])('%s is refused with a clear error', async (_label, path, body, status, text) => {
      const answer = await post(path(), body);
      expect(answer.status).toBe(status);
      expect(JSON.stringify(answer.body)).toMatch(text);
    });

    it('answers a refused body in the shape its route speaks: Kea\u2019s on the Kea channels, the API\u2019s elsewhere', async () => {
      const resolve = `/peers/${cluster.pair.cluster}/server1/disputes/resolve`;
      const kea = await post('/', '{"command": ');
      const keaCommands = await post(commands(), '{who:');
      const api = await post(resolve, '{"why": ');
      const huge = await post(resolve, `{"why": "${'x'.repeat(2 * 1024 * 1024)}"}`);
      expect([kea.status, keaCommands.status, api.status, huge.status]).toEqual([400, 400, 400, 413]);
      expect(kea.body).toEqual({ result: 1, text: expect.stringMatching(/^invalid request body/) });
      expect(keaCommands.body).toEqual({ result: 1, text: expect.stringMatching(/^invalid request body/) });
      expect(api.body).toEqual({ error: expect.stringMatching(/^invalid request body/) });
      expect(huge.body).toEqual({ error: expect.stringMatching(/too large/) });
      // A path that merely looks like the commands route is the API's: the route decides, not the URL.
      const lookalike = await post(`/peers/${cluster.pair.cluster}/server1/commands/extra`, '{who:');
      expect(lookalike.status).toBe(404);
      expect(lookalike.body).toHaveProperty('error');
    });

    it('records a command Kea 2.2.0 does not answer as failed with the reason, at once', async () => {
      const asked = Date.now();
      const sent = await post(
        commands(),
        JSON.stringify({ command: 'ha-sync', arguments: { 'server-name': 'server9' }, why: 'probe' }),
      );
      expect(Date.now() - asked).toBeLessThan(3_000);
      expect(sent.body).toMatchObject({
        result: 1,
        text: expect.stringMatching(/sent no answer, as Kea 2\.2\.0/),
      });
      const record = await get(`/commands/${String(sent.body['commandId'])}`);
      expect(record.body['outcome']).toMatchObject({
        type: 'CommandFailed',
        data: { error: expect.stringContaining('no configuration specified for server server9') },
      });
    });

    it('records an unknown command sent to a peer by either route, as one rule', async () => {
      const recorded = async () => (await get('/commands?command=frobnicate')).body['total'] as number;
      const before = await recorded();
      const viaKea = await post(
        '/',
        JSON.stringify({
          command: 'frobnicate',
          arguments: { cluster: cluster.pair.cluster, peer: 'server1', why: 'probe via POST /' },
        }),
      );
      expect(viaKea).toEqual({
        status: 200,
        body: { result: 2, text: "'frobnicate' command not supported." },
      });
      expect(await recorded()).toBe(before + 1);
    });

    it('answers an unknown command in Kea\u2019s words, and records it', async () => {
      expect(await post('/', '{"command": "frobnicate"}')).toEqual({
        status: 200,
        body: { result: 2, text: "'frobnicate' command not supported." },
      });
      const sent = await post(
        commands(),
        '{"command": "frobnicate", "who": "bad-input suite", "why": "probe"}',
      );
      expect(sent.body).toMatchObject({ result: 2 });
      const record = await get(`/commands/${String(sent.body['commandId'])}`);
      expect(record.status).toBe(200);
      expect(JSON.stringify(record.body)).toContain('frobnicate');
    });

    it.each([
      ['/history?limit=abc', /'limit' must be an integer/],
      ['/history?since=yesterday', /'since' must be an ISO 8601 time/],
      ['/history?offset=-1', /'offset' must be an integer/],
      ['/dead-letters?limit=0', /'limit' must be an integer/],
    ])('refuses the query %s with a clear error', async (path, text) => {
      const answer = await get(path);
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body)).toMatch(text);
    });

    it('reads both history routes and the commands by one set of rules: 400 with the field, 404 for an unknown peer', async () => {
      const own = `/peers/${cluster.pair.cluster}/server1/history`;
      const refused: [string, RegExp][] = [
        [`${own}?since=garbage`, /'since' must be an ISO 8601 time/],
        [`${own}?limit=-3`, /'limit' must be an integer/],
        [`${own}?state=nosuch`, /'state' must be one of/],
        ['/history?state=nosuch', /'state' must be one of/],
        ['/history?limit=0', /'limit' must be an integer/],
        ['/commands?limit=0', /'limit' must be an integer/],
      ];
      for (const [path, text] of refused) {
        const answer = await get(path);
        expect([path, answer.status]).toEqual([path, 400]);
        expect(answer.body['error']).toMatch(text);
      }
      for (const path of [
        '/peers/nowhere/nobody/history',
        '/history?peer=nowhere/nobody',
        '/streams/nowhere/nobody/export',
        '/audit/verify?stream=nowhere/nobody',
      ]) {
        const answer = await get(path);
        expect([path, answer.status]).toEqual([path, 404]);
        expect(answer.body['error']).toMatch(/no events of nowhere\/nobody/);
      }
      const page = await get(`${own}?limit=2&state=waiting`);
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ limit: 2, offset: 0 });
      expect((page.body['transitions'] as unknown[]).length).toBeLessThanOrEqual(2);
    });

    it('answers a bad percent-encoding in a path with 400, never 500', async () => {
      for (const path of [
        '/peers/local/%ff',
        '/commands/%e0%a4',
        `/peers/${cluster.pair.cluster}/%ff/history`,
      ]) {
        const answer = await get(path);
        expect([path, answer.status, answer.body]).toEqual([
          path,
          400,
          { error: expect.stringMatching(/decode/) },
        ]);
      }
    });

    it('refuses a bad time and an unknown peer', async () => {
      expect(await get(`/peers/${cluster.pair.cluster}/server1?at=noon`)).toEqual({
        status: 400,
        body: { error: "'at' must be an ISO 8601 time" },
      });
      const unknown = await get('/peers/nowhere/nobody');
      expect(unknown.status).toBe(404);
      expect(unknown.body['error']).toMatch(/no events of nowhere\/nobody/);
    });
  });

  describe('over NATS, to a peer', () => {
    const request = async (text: string) =>
      JSON.parse(
        new TextDecoder().decode(
          (await nc.request(peerSubject('server1', 'cmd'), text, { timeout: 5_000 })).data,
        ),
      ) as { result: number; text: string };

    it.each([
      ['malformed JSON', '{"command": ', { result: 1, text: 'invalid JSON in the command' }],
      ['an unknown command', '{"command": "frobnicate"}', { result: 2 }],
      ['a number for the command', '{"command": 5}', { result: 1 }],
      ['a JSON string', '"ha-continue"', { result: 1 }],
      [
        'a large junk payload (900 KiB)',
        `{"command": "${'y'.repeat(900 * 1024)}"}`,
        { result: 1, text: expect.stringMatching(/command too large/) as unknown as string },
      ],
    ])('answers %s with an error and keeps its state', async (_label, text, expected) => {
      expect(await request(text)).toMatchObject(expected);
      expect(await cluster.pair.status('server1')).toMatchObject({ state: 'ready', paused: true });
    });

    it('cannot be sent more than the server\u2019s max_payload: NATS refuses it before it leaves', async () => {
      expect(() => nc.publish(peerSubject('server1', 'cmd'), 'z'.repeat(2 * 1024 * 1024))).toThrow(
        /max_payload size exceeded/,
      );
    });
  });

  describe('into the event stream, to the coordinator', () => {
    const js = () => jetstream(nc);
    let exported: Record<string, unknown>[];

    beforeAll(async () => {
      const response = await fetch(
        `${cluster.coordinator.url}/streams/${cluster.pair.cluster}/server1/export`,
        { headers: { authorization: `Bearer ${CoordinatorProcess.TOKEN}` } },
      );
      exported = (await response.text())
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    });

    const envelope = (overrides: Record<string, unknown>) => {
      const { position, recordedAt, ...first } = exported[0];
      void position;
      void recordedAt;
      return { ...first, ...overrides };
    };

    it.each([
      ['malformed JSON', () => '{"schema": 1,', 'malformed JSON'],
      ['an empty batch', () => '[]', 'empty batch'],
      [
        'a string for seq',
        () => JSON.stringify(envelope({ id: 'bad-seq', seq: 'x' })),
        'seq must be an integer',
      ],
      [
        'an unknown event type',
        () => JSON.stringify(envelope({ id: 'bad-type', type: 'Teleported' })),
        'unknown event type',
      ],
      [
        'data out of schema',
        () =>
          JSON.stringify(
            envelope({ id: 'bad-data', seq: 999_999, type: 'StateTransitioned', data: { from: 'mars' } }),
          ),
        "'from' must be an HA state",
      ],
      [
        'a forged stream (server2 on server1\u2019s subject)',
        () => JSON.stringify(envelope({ id: 'forged', stream: stream('server2'), seq: 999_999 })),
        'forged',
      ],
      [
        'an old message replayed with changed content',
        () => JSON.stringify(envelope({ at: '2020-01-01T00:00:00.000Z' })),
        'already stored with other content',
      ],
    ])('records %s as a dead letter with its reason', async (label, payload, reason) => {
      await js().publish(peerSubject('server1', 'events'), payload(), { msgID: `bad-input-${label}` });
      const letter = await waitFor(`the dead letter for ${label}`, async () => {
        const { body } = await get('/dead-letters?limit=20');
        return (body['deadLetters'] as { reason: string; subject: string }[]).find((d) =>
          d.reason.includes(reason),
        );
      });
      expect(letter.subject).toBe(peerSubject('server1', 'events'));
    });

    it('stores a replayed old message once (a duplicate, not a new event)', async () => {
      const before = (await get(`/peers/${cluster.pair.cluster}/server1`)).body['lastSeq'] as number;
      const count = async () => (await get('/dead-letters?limit=10000')).body['deadLetters'] as unknown[];
      const lettersBefore = (await count()).length;
      await js().publish(peerSubject('server1', 'events'), JSON.stringify([envelope({})]), {
        msgID: 'bad-input-replayed-unchanged',
      });
      // A message published after it is stored after it: once that one is in, the replay was handled.
      await js().publish(peerSubject('server1', 'events'), '{"marker":', { msgID: 'bad-input-marker' });
      await waitFor('the marker', async () => ((await count()).length > lettersBefore ? true : undefined));
      expect((await count()).length).toBe(lettersBefore + 1);
      const exportedNow = await fetch(`${cluster.coordinator.url}/streams/${stream('server1')}/export`, {
        headers: { authorization: `Bearer ${CoordinatorProcess.TOKEN}` },
      });
      const ids = (await exportedNow.text())
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { id: string }).id);
      expect(ids.filter((id) => id === exported[0]['id'])).toHaveLength(1);
      expect(
        ((await get(`/peers/${cluster.pair.cluster}/server1`)).body['lastSeq'] as number) >= before,
      ).toBe(true);
    });
  });

  describe('in configuration', () => {
    const peerMain = join(PROJECT_ROOT, 'apps/peer/src/main.ts');
    it.each([
      ['not JSON', '{"high-availability": [', /cannot read .*JSON/],
      [
        'no peers',
        { 'high-availability': [{ ...LOAD_BALANCING_RELATIONSHIP, peers: [] }] },
        /no peer configuration/,
      ],
      [
        'a string for heartbeat-delay',
        { 'high-availability': [{ ...LOAD_BALANCING_RELATIONSHIP, 'heartbeat-delay': 'soon' }] },
        /heartbeat-delay/,
      ],
      [
        'a bad peer url',
        {
          'high-availability': [
            {
              ...LOAD_BALANCING_RELATIONSHIP,
              peers: LOAD_BALANCING_RELATIONSHIP.peers.map((p, i) =>
                i === 0 ? { ...p, url: 'not a url' } : p,
              ),
            },
          ],
        },
        /url/,
      ],
    ])('a peer refuses %s, exits 2 and starts nothing', async (label, config, text) => {
      const dataDir = join(cluster.dir, `never-${label.replace(/\W+/g, '-')}`);
      const file = join(cluster.dir, `bad-${label.replace(/\W+/g, '-')}.json`);
      writeFileSync(
        file,
        typeof config === 'string'
          ? config
          : JSON.stringify({ ...config, 'data-dir': dataDir, nats: { servers: [cluster.nats.url] } }),
      );
      const result = await runTsToExit(peerMain, ['--config', file], { cwd: PROJECT_ROOT });
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(text);
      expect(existsSync(dataDir)).toBe(false);
    });

    it.each([
      ['HACO_HTTP_PORT', 'eighty', /http.port must be a port number/],
      ['HACO_DB_SYNCHRONOUS', 'SOMETIMES', /database.synchronous must be one of/],
    ])('the coordinator refuses %s=%s and exits 2', async (name, value, text) => {
      const result = await runTsToExit(join(PROJECT_ROOT, 'apps/coordinator/src/main.ts'), [], {
        cwd: PROJECT_ROOT,
        env: { HACO_NATS_URL: cluster.nats.url, HACO_DB: join(cluster.dir, 'never.sqlite'), [name]: value },
      });
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(text);
      expect(existsSync(join(cluster.dir, 'never.sqlite'))).toBe(false);
    });
  });

  describe('afterwards', () => {
    it('everything is still up, unchanged, recorded and replayable', async () => {
      expect((await fetch(`${cluster.coordinator.url}/health/ready`)).status).toBe(200);
      expect(await cluster.pair.status('server1')).toMatchObject({ state: 'ready', paused: true });
      expect(cluster.pair.processes.get('server1')!.running).toBe(true);
      expect(cluster.pair.processes.get('server2')!.running).toBe(true);
      const metrics = await (
        await fetch(`${cluster.coordinator.url}/metrics`, {
          headers: { authorization: `Bearer ${CoordinatorProcess.TOKEN}` },
        })
      ).text();
      expect(metrics).toMatch(/haco_http_requests_refused_total\{status="400"\} \d+/);
      expect(metrics).toMatch(/haco_http_requests_refused_total\{status="413"\} 2/);
      expect(Number(/haco_dead_letters_total (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(8);
      expect(cluster.coordinator.output()).toContain('request refused');
      expect(cluster.pair.processes.get('server1')!.output.join('')).toContain(
        'command refused: invalid JSON',
      );
      const { lastSeq } = await waitFor("server1's outbox published", async () => {
        const outbox = cluster.pair.outboxState('server1');
        return outbox.publishedSeq === outbox.lastSeq ? outbox : undefined;
      });
      await waitFor('the coordinator to store all of server1', async () =>
        ((await get(`/peers/${cluster.pair.cluster}/server1`)).body['lastSeq'] as number) >= lastSeq
          ? true
          : undefined,
      );
      const verified = await get(`/replay/verify?stream=${stream('server1')}`);
      expect(JSON.stringify(verified.body).slice(0, 1500)).toContain('"verified":true');
      expect((await get('/gaps')).body).toEqual({ gaps: [] });
    });
  });
});
