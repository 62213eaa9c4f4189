import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import { NatsServer } from '../../tools/harness/nats-server';
import { PeerPair } from '../../tools/harness/peer-cluster';
import { sleep, waitFor } from '../../tools/harness/processes';

jest.setTimeout(180_000);

interface View {
  peer: string;
  cluster: string;
  status: string;
  restarts: { clean: number; crash: number };
}

/**
 * Liveness on the coordinator's own clock, from each peer's presence (not from heartbeats to a partner):
 * real peers, a real nats-server and a real coordinator, faulted as an operator would see it.
 */
describe('peer liveness from the coordinator\u2019s own observation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'haco-liveness-'));
  let nats: NatsServer;
  let coordinator: CoordinatorProcess;
  const peers = async (cluster: string): Promise<View[]> =>
    (await coordinator.get<{ peers: View[] }>('/peers', null)).peers.filter((p) => p.cluster === cluster);
  const statusOf = async (cluster: string, peer: string) =>
    (await peers(cluster)).find((p) => p.peer === peer)?.status;

  beforeAll(async () => {
    nats = await NatsServer.start();
    coordinator = await CoordinatorProcess.start(nats.url, join(dir, 'events.sqlite'));
  });
  afterAll(async () => {
    await coordinator.stop();
    await nats.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a hung peer (SIGSTOP) is unreachable within 3 s while its partner stays up; SIGCONT brings it back', async () => {
    const pair = new PeerPair(nats);
    try {
      pair.startBoth();
      await pair.waitForState('server1', 'load-balancing');
      await waitFor('both up', async () =>
        (await peers(pair.cluster)).filter((p) => p.status === 'up').length === 2 ? true : undefined,
      );
      const hung = pair.processes.get('server2')!.pid;
      process.kill(hung, 'SIGSTOP');
      const stoppedAt = Date.now();
      try {
        await waitFor('server2 unreachable', async () =>
          (await statusOf(pair.cluster, 'server2')) === 'unreachable' ? true : undefined,
        );
        expect(Date.now() - stoppedAt).toBeLessThan(3_000 + 2_000);
        // Its partner's heartbeats to the hung peer time out, but it is up: it says so itself.
        const seen = new Set<string>();
        for (const end = Date.now() + 12_000; Date.now() < end; await sleep(250)) {
          seen.add(String(await statusOf(pair.cluster, 'server1')));
        }
        expect([...seen]).toEqual(['up']);
      } finally {
        process.kill(hung, 'SIGCONT');
      }
      await waitFor('server2 up again', async () =>
        (await statusOf(pair.cluster, 'server2')) === 'up' ? true : undefined,
      );
    } finally {
      await pair.destroy();
    }
  });

  it('a peer whose clock is an hour off is judged rightly: up while it runs, unreachable once killed', async () => {
    const pair = new PeerPair(nats);
    try {
      pair.start('server1');
      pair.start('server2', { clockOffset: '-1h' });
      await waitFor(
        'both up',
        async () =>
          (await peers(pair.cluster)).filter((p) => p.status === 'up').length === 2 ? true : undefined,
        30_000,
      );
      // Its events are stamped an hour ago; the coordinator goes by when it hears it, on its own clock.
      const seen = new Set<string>();
      for (const end = Date.now() + 6_000; Date.now() < end; await sleep(250)) {
        seen.add(String(await statusOf(pair.cluster, 'server2')));
      }
      expect([...seen]).toEqual(['up']);
      await pair.processes.get('server2')!.stop('SIGKILL');
      const killedAt = Date.now();
      await waitFor('server2 unreachable', async () =>
        (await statusOf(pair.cluster, 'server2')) === 'unreachable' ? true : undefined,
      );
      expect(Date.now() - killedAt).toBeLessThan(3_000 + 2_000);
    } finally {
      await pair.destroy();
    }
  });

  it('a passive-backup peer, which runs no heartbeat, is unreachable after a kill -9', async () => {
    const pair = new PeerPair(nats, { mode: 'passive-backup' });
    try {
      pair.startBoth();
      await pair.waitForState('server2', 'backup');
      await waitFor('both up', async () =>
        (await peers(pair.cluster)).filter((p) => p.status === 'up').length === 2 ? true : undefined,
      );
      await pair.processes.get('server2')!.stop('SIGKILL');
      await waitFor('the backup unreachable', async () =>
        (await statusOf(pair.cluster, 'server2')) === 'unreachable' ? true : undefined,
      );
      expect(await statusOf(pair.cluster, 'server1')).toBe('up');
    } finally {
      await pair.destroy();
    }
  });

  it('counts restarts, clean and crash apart, and a coordinator restarted after the peers never calls them unreachable', async () => {
    const pair = new PeerPair(nats);
    try {
      pair.startBoth();
      await pair.waitForState('server1', 'load-balancing');
      await pair.processes.get('server2')!.stop('SIGKILL');
      pair.start('server2');
      await pair.waitForState('server2', 'load-balancing', undefined, 30_000);
      await pair.processes.get('server2')!.stop('SIGTERM');
      pair.start('server2');
      await pair.waitForState('server2', 'load-balancing', undefined, 30_000);
      await waitFor('both restarts in the log', async () => {
        const server2 = (await peers(pair.cluster)).find((p) => p.peer === 'server2');
        return server2?.restarts.crash === 1 && server2.restarts.clean === 1 ? true : undefined;
      });
      const metrics = (await coordinator.text('/metrics')).body;
      const labels = `cluster="${pair.cluster}",peer="server2"`;
      expect(metrics).toContain(`haco_peer_restarts_total{${labels},kind="clean"} 1`);
      expect(metrics).toContain(`haco_peer_restarts_total{${labels},kind="crash"} 1`);

      await coordinator.stop('SIGKILL');
      await sleep(4_000);
      await coordinator.restart();
      const seen = new Set<string>();
      for (const end = Date.now() + 6_000; Date.now() < end; await sleep(100)) {
        for (const view of await peers(pair.cluster)) seen.add(view.status);
      }
      expect([...seen].filter((status) => status !== 'up' && status !== 'unknown')).toEqual([]);
      expect(seen.has('up')).toBe(true);
    } finally {
      await pair.destroy();
    }
  });
});
