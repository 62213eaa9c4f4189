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

type Fault = 'peer' | 'coordinator' | 'nats';

/**
 * Faults at random: kill -9 of a peer, of a coordinator or of a nats-server (one node of a cluster), each
 * brought back after a moment, and paused peers continued through a coordinator (any of them) as an
 * operator would. The first three faults are one of each kind, in random order, so that even a short
 * run meets all of them; after that each round draws one.
 */
export class Chaos {
  readonly log: ChaosAction[] = [];
  /** The command ids the coordinators answered the continues with: each must be recorded once. */
  readonly commandIds: string[] = [];
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly firstFaults: Fault[] = (['peer', 'coordinator', 'nats'] as Fault[]).sort(
    () => Math.random() - 0.5,
  );

  constructor(
    private readonly nats: readonly NatsServer[],
    private readonly coordinators: readonly CoordinatorProcess[],
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
      const fault: Fault | null =
        this.firstFaults.shift() ??
        (roll < 0.5 ? 'peer' : roll < 0.65 ? 'coordinator' : roll < 0.8 ? 'nats' : null);
      if (fault === 'peer') await this.killPeer();
      else if (fault === 'coordinator') await this.killCoordinator();
      else if (fault === 'nats') await this.killNats();
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
    const index = Math.floor(Math.random() * this.coordinators.length);
    const name = this.coordinators.length > 1 ? ` ${index + 1}` : '';
    this.record(`kill -9 coordinator${name}`);
    await this.coordinators[index].stop('SIGKILL');
    await sleep(between(200, 2_000));
    await this.coordinators[index].restart();
    this.record(`restart coordinator${name}`);
  }

  private async killNats(): Promise<void> {
    const index = Math.floor(Math.random() * this.nats.length);
    const name = this.nats.length > 1 ? ` ${index + 1}` : '';
    this.record(`kill -9 nats-server${name}`);
    await this.nats[index].kill('SIGKILL');
    await sleep(between(500, 3_000));
    await this.nats[index].restart();
    this.record(`restart nats-server${name}`);
  }

  /** Continues each paused peer with probability `chance`, through a coordinator's command API. */
  async continuePaused(chance: number): Promise<number> {
    let continued = 0;
    try {
      const { peers } = await pick(this.coordinators).get<{
        peers: { cluster: string; peer: string; paused: boolean }[];
      }>('/peers');
      for (const peer of peers.filter((p) => p.paused && Math.random() < chance)) {
        const { body } = await pick(this.coordinators).post<{ result?: number; commandId?: string }>(
          `/peers/${peer.cluster}/${peer.peer}/commands`,
          { command: 'ha-continue', why: 'chaos: release a paused peer' },
        );
        if (body.commandId !== undefined) this.commandIds.push(body.commandId);
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
