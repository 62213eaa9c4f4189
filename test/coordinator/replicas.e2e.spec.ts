import { COMMANDS_STREAM } from '@haco/contracts';
import { EventStore, openDataSource } from '@haco/event-store';
import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import { NatsServer } from '../../tools/harness/nats-server';
import { PeerPair } from '../../tools/harness/peer-cluster';
import { PostgresServer } from '../../tools/harness/postgres-server';
import { PrometheusServer } from '../../tools/harness/prometheus-server';
import { waitFor } from '../../tools/harness/processes';
import { readLiveEvents } from '../support/live-events';

jest.setTimeout(120_000);

/** The first `count` live events of a feed, as their type and data; `ready` once it is open. */
async function liveEvents(url: string, count: number, ready: () => void) {
  const events = await readLiveEvents(url, count, { opened: ready });
  return events.map((e) => ({ type: e.type, data: e.stored.data }));
}

describe('two coordinators on one PostgreSQL', () => {
  let postgres: PostgresServer;
  let nats: NatsServer;
  let replicas: CoordinatorProcess[];
  let pair: PeerPair;
  let url: string;

  beforeAll(async () => {
    [postgres, nats] = await Promise.all([PostgresServer.start({ fsync: false }), NatsServer.start()]);
    url = await postgres.createDatabase('haco');
    // Started together on a new database: they migrate it once, in turn.
    replicas = await Promise.all([0, 1].map(() => CoordinatorProcess.start(nats.url, url)));
    pair = new PeerPair(nats);
    pair.startBoth();
    await pair.waitForState('server1', 'load-balancing');
  });
  afterAll(async () => {
    await pair.destroy();
    await Promise.all(replicas.map((r) => r.stop('SIGKILL')));
    await nats.destroy();
    await postgres.destroy();
  });

  it('each serves the peers, health and metrics from the shared log', async () => {
    for (const replica of replicas) {
      await waitFor('the peer in load-balancing on every replica', async () => {
        const view = await replica.get<{ state?: string }>(`/peers/${pair.cluster}/server1`);
        return view.state === 'load-balancing' ? true : undefined;
      });
      expect((await replica.text('/health/ready')).status).toBe(200);
      expect((await replica.text('/metrics')).body).toMatch(
        new RegExp(`haco_peer_state\\{[^}]*peer="server1"[^}]*state="load-balancing"[^}]*\\} 1`),
      );
    }
  });

  it('exports the fleet from both replicas, and the shipped rules count each peer once on a real Prometheus', async () => {
    const prometheus = await PrometheusServer.start(replicas.map((replica) => new URL(replica.url).host));
    try {
      const peers = `cluster="${pair.cluster}"`;
      // Each replica exports every peer; the recording rules keep one series per peer, so alerts fire once.
      await waitFor(
        'both replicas scraped',
        async () =>
          (await prometheus.query(`count(haco_peer_up{${peers}})`))[0]?.value[1] === '4' ? true : undefined,
        30_000,
      );
      const recorded = await waitFor(
        'the recording rule',
        async () => {
          const result = await prometheus.query(`haco:peer_up:max{${peers}}`);
          return result.length > 0 ? result : undefined;
        },
        30_000,
      );
      expect(recorded.map((series) => series.metric['peer']).sort()).toEqual(['server1', 'server2']);
    } finally {
      await prometheus.destroy();
    }
  });

  it("pushes one replica's commits to the other's live readers, and records a command once", async () => {
    const [a, b] = replicas;
    let opened: () => void = () => undefined;
    const isOpen = new Promise<void>((resolve) => (opened = resolve));
    const seen = liveEvents(`${b.url}/events/live?stream=${encodeURIComponent(COMMANDS_STREAM)}`, 2, opened);
    await isOpen;
    const { status, body } = await a.post<{ commandId: string; result: number }>(
      `/peers/${pair.cluster}/server1/commands`,
      // A command that is recorded (a read such as ha-heartbeat is answered and never recorded).
      { command: 'ha-maintenance-cancel', why: 'replica test' },
    );
    expect(status).toBe(201);
    const events = await Promise.race([
      seen,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('no live event on the other replica')), 10_000),
      ),
    ]);
    expect(events.map((e) => [e.type, e.data['commandId']])).toEqual([
      ['CommandIssued', body.commandId],
      ['CommandCompleted', body.commandId],
    ]);
    for (const replica of replicas) {
      const listed = await replica.get<{ commands: { commandId: string }[] }>('/commands?who=admin');
      expect(listed.commands.map((c) => c.commandId)).toEqual([body.commandId]);
    }
  });

  it("wakes every replica's live readers on a commit made elsewhere (LISTEN), with nothing else moving", async () => {
    await pair.destroy();
    // The peers are gone: no ingest commit of a replica's own can wake its readers now.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const feeds = replicas.map((replica) => {
      let opened: () => void = () => undefined;
      const isOpen = new Promise<void>((resolve) => (opened = resolve));
      const events = liveEvents(`${replica.url}/events/live?stream=lab%2Felsewhere`, 1, opened);
      return { isOpen, events };
    });
    await Promise.all(feeds.map((f) => f.isOpen));
    const dataSource = await openDataSource({ type: 'postgres', url });
    await new EventStore(dataSource).appendNext(
      'lab/elsewhere',
      { type: 'Noted', data: { text: 'written by another process' } },
      { id: 'elsewhere-1', at: new Date().toISOString() },
    );
    await dataSource.destroy();
    for (const feed of feeds) {
      const events = await Promise.race([
        feed.events,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('not woken')), 5_000)),
      ]);
      expect(events).toEqual([{ type: 'Noted', data: { text: 'written by another process' } }]);
    }
  });
});
