import type { CoordinatorProcess } from '../tools/harness/coordinator-process';
import type { NatsServer } from '../tools/harness/nats-server';
import type { PeerPair } from '../tools/harness/peer-cluster';
import { sleep } from '../tools/harness/processes';

export interface ChaosAction {
  readonly at: number;
  readonly action: string;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];
const between = (min: number, max: number) => min + Math.random() * (max - min);

/**
 * Faults at random: kill -9 of a peer, of the coordinator or of the nats-server, each brought back after
 * a moment, and paused peers continued through the coordinator as an operator would.
 */
export class Chaos {
  readonly log: ChaosAction[] = [];
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly nats: NatsServer,
    private readonly coordinator: CoordinatorProcess,
    private readonly pairs: readonly PeerPair[],
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private record(action: string): void {
    this.log.push({ at: Date.now(), action });
    process.stderr.write(`  soak: ${action}\n`);
  }

  private async run(): Promise<void> {
    while (this.running) {
      await sleep(between(2_000, 5_000));
      if (!this.running) return;
      const roll = Math.random();
      if (roll < 0.5) await this.killPeer();
      else if (roll < 0.65) await this.killCoordinator();
      else if (roll < 0.8) await this.killNats();
      await this.continuePaused(0.5);
    }
  }

  private async killPeer(): Promise<void> {
    const pair = pick(this.pairs);
    const name = pick(['server1', 'server2']);
    this.record(`kill -9 ${pair.cluster}/${name}`);
    await pair.processes.get(name)?.stop('SIGKILL');
    await sleep(between(500, 4_000));
    pair.start(name);
    this.record(`restart ${pair.cluster}/${name}`);
  }

  private async killCoordinator(): Promise<void> {
    this.record('kill -9 coordinator');
    await this.coordinator.stop('SIGKILL');
    await sleep(between(200, 2_000));
    await this.coordinator.restart();
    this.record('restart coordinator');
  }

  private async killNats(): Promise<void> {
    this.record('kill -9 nats-server');
    await this.nats.kill('SIGKILL');
    await sleep(between(500, 3_000));
    await this.nats.restart();
    this.record('restart nats-server');
  }

  /** Continues each paused peer with probability `chance`, through the coordinator's command API. */
  async continuePaused(chance: number): Promise<number> {
    let continued = 0;
    try {
      const { peers } = await this.coordinator.get<{
        peers: { cluster: string; peer: string; paused: boolean }[];
      }>('/peers');
      for (const peer of peers.filter((p) => p.paused && Math.random() < chance)) {
        const { body } = await this.coordinator.post<{ result?: number }>(
          `/peers/${peer.cluster}/${peer.peer}/commands`,
          { command: 'ha-continue', who: 'soak', why: 'chaos: release a paused peer' },
        );
        if (body.result === 0) {
          continued += 1;
          this.record(`continue ${peer.cluster}/${peer.peer}`);
        }
      }
    } catch {
      // The coordinator or NATS is down right now: try again at the next round.
    }
    return continued;
  }
}
