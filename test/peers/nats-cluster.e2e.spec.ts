import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { EVENTS_STREAM } from '@haco/contracts';
import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import type { NatsServer } from '../../tools/harness/nats-server';
import { startNatsCluster } from '../../tools/harness/nats-cluster';
import { PeerPair } from '../../tools/harness/peer-cluster';
import { sleep, waitFor } from '../../tools/harness/processes';

jest.setTimeout(120_000);

/** What docker-compose.yml runs, without containers: three clustered nats-servers with JetStream. */
describe('the cluster on a 3-node NATS cluster with replicated events', () => {
  const nodes: NatsServer[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'haco-natscluster-'));
  const previousReplicas = process.env.HACO_EVENTS_REPLICAS;

  beforeAll(async () => {
    nodes.push(...(await startNatsCluster(3)));
    process.env.HACO_EVENTS_REPLICAS = '3';
  });
  afterAll(async () => {
    process.env.HACO_EVENTS_REPLICAS = previousReplicas;
    await Promise.all(nodes.map((n) => n.destroy()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores every event with 3 replicas and keeps going when a NATS node is killed', async () => {
    const urls = nodes.map((n) => n.url);
    const admin = await connect({ servers: urls });
    await waitFor(
      'a JetStream meta leader',
      async () => {
        const jsm = await jetstreamManager(admin);
        return (await jsm.getAccountInfo()).api.total >= 0 ? true : undefined;
      },
      30_000,
    );
    const coordinator = await CoordinatorProcess.start(urls.join(','), join(dir, 'events.sqlite'), {
      HACO_EVENTS_REPLICAS: '3',
    });
    const pair = new PeerPair(nodes[0], { natsServers: urls });
    try {
      pair.startBoth();
      await pair.waitForState('server1', 'load-balancing', undefined, 60_000);
      const jsm = await jetstreamManager(admin);
      const info = await jsm.streams.info(EVENTS_STREAM);
      expect({ replicas: info.config.num_replicas, cluster: info.cluster?.replicas?.length }).toEqual({
        replicas: 3,
        cluster: 2,
      });
      await nodes[2].kill('SIGKILL');
      // Clients of the dead node reconnect to the others; the pair settles back into load-balancing.
      await sleep(2_000);
      await pair.waitForState('server1', 'load-balancing', undefined, 30_000);
      await pair.waitForState('server2', 'load-balancing', undefined, 30_000);
      expect(await pair.command('server1', 'ha-maintenance-start')).toMatchObject({ result: 0 });
      await pair.waitForState('server1', 'partner-in-maintenance');
      await pair.command('server1', 'ha-maintenance-cancel');
      await pair.waitForState('server1', 'load-balancing');
      const { lastSeq } = await waitFor("server1's outbox drained", async () => {
        const outbox = pair.outboxState('server1');
        return outbox.publishedSeq === outbox.lastSeq ? outbox : undefined;
      });
      await waitFor(
        'the coordinator to store all of server1',
        async () => {
          const view = await coordinator.get<{ lastSeq: number }>(`/peers/${pair.cluster}/server1`);
          return view.lastSeq >= lastSeq ? true : undefined;
        },
        30_000,
      ).catch(async (error: Error) => {
        const view = await coordinator.get<{ lastSeq: number }>(`/peers/${pair.cluster}/server1`);
        const gaps = await coordinator.get('/gaps');
        const tail = coordinator.output().split('\n').slice(-40).join('\n');
        throw new Error(
          `${error.message} (stored up to ${view.lastSeq} of ${lastSeq}; gaps ${JSON.stringify(gaps)})\n${tail}`,
        );
      });
      expect(await coordinator.get('/gaps')).toEqual({ gaps: [] });
      const verified = await coordinator.get<{ verified: boolean }>(
        `/replay/verify?stream=${pair.cluster}/server1`,
      );
      expect(verified.verified).toBe(true);
    } finally {
      await pair.destroy();
      await coordinator.stop();
      await admin.close();
    }
  });
});
