import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinatorProcess } from '../../tools/harness/coordinator-process';
import { NatsServer } from '../../tools/harness/nats-server';
import { PeerPair } from '../../tools/harness/peer-cluster';
import { waitFor } from '../../tools/harness/processes';

/**
 * A running cluster for operator-side tests: a nats-server, the coordinator on a SQLite file, and a
 * load-balancing pair whose primary pauses once in ready, already seen paused by the coordinator.
 */
export class PausedCluster {
  private constructor(
    readonly dir: string,
    readonly dbPath: string,
    readonly nats: NatsServer,
    readonly coordinator: CoordinatorProcess,
    readonly pair: PeerPair,
  ) {}

  /** `coordinatorEnv`: more of the coordinator's settings, given the cluster's temp dir for its files. */
  static async start(
    prefix: string,
    coordinatorEnv: (dir: string) => Record<string, string> = () => ({}),
  ): Promise<PausedCluster> {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    const dbPath = join(dir, 'events.sqlite');
    const nats = await NatsServer.start();
    const coordinator = await CoordinatorProcess.start(nats.url, dbPath, coordinatorEnv(dir));
    const pair = new PeerPair(nats, { pausing: { server1: { ready: 'once' } } });
    pair.startBoth();
    await pair.waitForState('server1', 'ready', true);
    await waitFor('the coordinator to see the pause', async () => {
      const { peers } = await coordinator.get<{ peers: { peer: string; paused: boolean }[] }>('/peers', null);
      return peers.some((p) => p.peer === 'server1' && p.paused) ? true : undefined;
    });
    return new PausedCluster(dir, dbPath, nats, coordinator, pair);
  }

  /** Stops every process by pid and removes the files. */
  async destroy(): Promise<void> {
    await this.pair.destroy();
    await this.coordinator.stop();
    await this.nats.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
