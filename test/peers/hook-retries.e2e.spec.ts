import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NatsServer } from '../../tools/harness/nats-server';
import type { StoredEnvelope } from '../../tools/harness/peer-cluster';
import { PeerPair } from '../../tools/harness/peer-cluster';
import { waitFor } from '../../tools/harness/processes';

jest.setTimeout(60_000);

const FAIL_ONCE = join(__dirname, 'fixtures', 'fail-then-succeed.sh');

const runsOf = (events: readonly StoredEnvelope[], hook: string) =>
  events.filter((e) => e.type === 'HookCompleted' && e.data.hook === hook).map((e) => e.data);

/** A hook that fails is recorded, and run again as configured, in order with the other hooks. */
describe('hook retries on a real pair', () => {
  let nats: NatsServer;
  let pair: PeerPair | null = null;
  const dir = mkdtempSync(join(tmpdir(), 'haco-hook-retries-'));

  beforeAll(async () => {
    nats = await NatsServer.start();
  });
  afterAll(async () => {
    await pair?.destroy();
    await nats.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records a failing executable and a failing URL, then retries each until they succeed', async () => {
    const marker = join(dir, 'first-run-done');
    const bodies: Record<string, unknown>[] = [];
    let posts = 0;
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        bodies.push(JSON.parse(body) as Record<string, unknown>);
        posts += 1;
        response.statusCode = posts === 1 ? 503 : 200;
        response.end(posts === 1 ? 'proxy not ready' : 'reconfigured');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ha`;
    try {
      pair = new PeerPair(nats, {
        extra: {
          server1: {
            hooks: {
              list: [
                {
                  name: 'router',
                  on: ['state-entered'],
                  states: ['load-balancing'],
                  run: [FAIL_ONCE, marker],
                  retries: 2,
                  'retry-delay-ms': 200,
                },
                {
                  name: 'proxy',
                  on: ['state-entered'],
                  states: ['load-balancing'],
                  post: url,
                  retries: 1,
                  'retry-delay-ms': 200,
                },
              ],
            },
          },
        },
      });
      pair.startBoth();
      await pair.waitForState('server1', 'load-balancing');
      const events = await waitFor('both hooks to succeed on a retry', async () => {
        const all = await pair!.storedEvents('server1');
        const done = ['router', 'proxy'].every((hook) =>
          runsOf(all, hook).some((run) => run.outcome === 'ok'),
        );
        return done ? all : undefined;
      });
      expect(runsOf(events, 'router')).toMatchObject([
        { trigger: 'state-entered', state: 'load-balancing', attempt: 1, outcome: 'failed', status: 3 },
        { attempt: 2, outcome: 'ok', status: 0, output: 'second run: ok' },
      ]);
      expect(runsOf(events, 'router')[0].output).toContain('cannot reach the router');
      expect(runsOf(events, 'proxy')).toMatchObject([
        { attempt: 1, outcome: 'failed', status: 503, output: 'proxy not ready' },
        { attempt: 2, outcome: 'ok', status: 200, output: 'reconfigured' },
      ]);
      // The hooks run one at a time in order: the router's retries end before the proxy is first called.
      const order = events
        .filter((e) => e.type === 'HookCompleted')
        .map((e) => `${String(e.data.hook)}:${String(e.data.attempt)}`);
      expect(order).toEqual(['router:1', 'router:2', 'proxy:1', 'proxy:2']);
      expect(bodies[0]).toMatchObject({ hook: 'proxy', trigger: 'state-entered', state: 'load-balancing' });
      expect(existsSync(marker)).toBe(true);
    } finally {
      server.close();
    }
  });
});
