import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import { sleep } from '../../tools/harness/processes';
import { PausedCluster } from '../support/paused-cluster';

jest.setTimeout(180_000);

interface Section {
  cluster: string;
  'ha-servers': { local: Record<string, unknown>; remote?: Record<string, unknown> };
}

/**
 * A monitoring system polling through the coordinator (Kea's channel and the REST route, with and without a
 * token) for a minute at 10 requests/s: every answer comes back, and the log gains no command.
 */
describe('reads stay reads', () => {
  let cluster: PausedCluster;
  const post = async (path: string, body: unknown, token: string | null) => {
    const response = await fetch(`${cluster.coordinator.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };
  const recorded = async (): Promise<{ commands: number; received: number }> => {
    const lines = async (stream: string) =>
      (await (await fetch(`${cluster.coordinator.url}/streams/${stream}/export`)).text())
        .trim()
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as { type: string; data: { request?: { command?: string } } });
    const commands = (await lines('_coordinator/commands').catch(() => [])).length;
    const peers = await Promise.all(
      ['server1', 'server2'].map((peer) => lines(`${cluster.pair.cluster}/${peer}`)),
    );
    // What the poller sends: a peer records neither (its partner's own calls are commands it does record).
    const polled = ['status-get', 'ha-heartbeat'];
    const received = peers
      .flat()
      .filter(
        (event) => event.type === 'CommandReceived' && polled.includes(event.data.request?.command ?? ''),
      );
    return { commands, received: received.length };
  };

  beforeAll(async () => {
    cluster = await PausedCluster.start('haco-reads-');
  });
  afterAll(async () => cluster?.destroy());

  it('gives Kea\u2019s whole section of every peer, remote included, in the fleet\u2019s status-get', async () => {
    const { body } = await post('/', { command: 'status-get' }, null);
    const sections = (body as { result: number; arguments: { 'high-availability': Section[] } }).arguments[
      'high-availability'
    ];
    const ours = sections.filter((s) => s.cluster === cluster.pair.cluster);
    expect(ours.map((s) => s['ha-servers'].local['server-name']).sort()).toEqual(['server1', 'server2']);
    for (const section of ours) {
      expect(section['ha-servers'].remote).toMatchObject({
        'in-touch': expect.any(Boolean),
        'communication-interrupted': expect.any(Boolean),
        'unacked-clients': expect.any(Number),
        'analyzed-packets': expect.any(Number),
      });
      expect(section['ha-servers'].local).toHaveProperty('paused');
    }
  });

  it('a poller at 10 requests/s for a minute adds no command to the log', async () => {
    const { cluster: name } = cluster.pair;
    const before = await recorded();
    expect(before.received).toBe(0);
    const polls: [string, unknown, string | null][] = [
      ['/', { command: 'status-get' }, null],
      ['/', { command: 'status-get', arguments: { cluster: name, peer: 'server1' } }, null],
      ['/', { command: 'ha-heartbeat', arguments: { cluster: name, peer: 'server2', who: 'poller' } }, null],
      [
        '/',
        { command: 'status-get', arguments: { cluster: name, peer: 'server2' } },
        CoordinatorProcess.TOKEN,
      ],
      [`/peers/${name}/server1/commands`, { command: 'status-get' }, null],
      [`/peers/${name}/server1/commands`, { command: 'ha-heartbeat', why: 'poll' }, CoordinatorProcess.TOKEN],
    ];
    const statuses = new Map<number, number>();
    const started = Date.now();
    for (let i = 0; Date.now() - started < 60_000; i += 1) {
      const [path, body, token] = polls[i % polls.length];
      const answer = await post(path, body, token);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      const due = started + (i + 1) * 100;
      if (due > Date.now()) await sleep(due - Date.now());
    }
    const answered = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(answered).toBeGreaterThanOrEqual(550);
    expect([...statuses.keys()].every((status) => status === 200 || status === 201)).toBe(true);
    expect(await recorded()).toEqual(before);
  });
});
