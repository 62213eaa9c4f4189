import { randomUUID } from 'node:crypto';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@haco/common';
import type { SplitBrainCleared, SplitBrainRaised } from '@haco/contracts';
import { SPLIT_BRAIN_STREAM } from '@haco/contracts';
import type { EventStore } from '@haco/event-store';
import { EVENT_STORE, LOGGER } from '../common/tokens';
import type { FleetPeer } from './fleet-view';
import { FleetView } from './fleet-view';
import { LogTail } from './log-tail';

/** How often the fleet is looked at: well within one heartbeat of the pairs it watches. */
export const SPLIT_BRAIN_CHECK_MS = 200;

const keyOf = (cluster: string, peers: readonly string[]) => `${cluster}/${[...peers].sort().join('+')}`;

/**
 * Watches for split brains (docs/monitoring.md): both servers of a relationship alive to the coordinator
 * and serving the same scopes at once. Each one seen is recorded in the coordinator's own stream as it
 * starts (SplitBrainRaised) and as it ends, with how long it lasted (SplitBrainCleared). Kea's two servers
 * each see only their own side; the coordinator sees both.
 */
@Injectable()
export class SplitBrainWatch implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly open = new Map<string, SplitBrainRaised>();
  private timer: NodeJS.Timeout | null = null;
  private checking = false;

  constructor(
    @Inject(FleetView) private readonly fleet: FleetView,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LogTail) private readonly tail: LogTail,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Split brains raised before a restart and never cleared are still open: cleared once seen over.
    for (const event of await this.store.readStream(SPLIT_BRAIN_STREAM)) {
      const data = event.data as unknown as SplitBrainRaised;
      if (event.type === 'SplitBrainRaised') this.open.set(keyOf(data.cluster, data.peers), data);
      if (event.type === 'SplitBrainCleared') this.open.delete(keyOf(data.cluster, data.peers));
    }
    this.timer = setInterval(() => void this.check(), SPLIT_BRAIN_CHECK_MS);
  }

  onApplicationShutdown(): void {
    if (this.timer !== null) clearInterval(this.timer);
  }

  /** The split brains open now, as recorded. */
  get current(): readonly SplitBrainRaised[] {
    return [...this.open.values()];
  }

  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const seen = splitBrains(await this.fleet.peers());
      for (const [key, raised] of seen) {
        if (this.open.has(key)) continue;
        this.open.set(key, raised);
        await this.record('SplitBrainRaised', raised);
        this.log.error('split brain: both servers serve the same scopes', { ...raised });
      }
      for (const [key, raised] of [...this.open]) {
        if (seen.has(key)) continue;
        this.open.delete(key);
        const until = new Date().toISOString();
        const cleared: SplitBrainCleared = {
          cluster: raised.cluster,
          peers: raised.peers,
          scopes: raised.scopes,
          since: raised.since,
          until,
          durationMs: Date.parse(until) - Date.parse(raised.since),
        };
        await this.record('SplitBrainCleared', cleared);
        this.log.warn('split brain cleared', { ...cleared });
      }
    } catch (error) {
      this.log.warn('split brain check failed', { error: (error as Error).message });
    } finally {
      this.checking = false;
    }
  }

  private async record(
    type: 'SplitBrainRaised' | 'SplitBrainCleared',
    data: SplitBrainRaised | SplitBrainCleared,
  ) {
    await this.store.appendNext(
      SPLIT_BRAIN_STREAM,
      { type, data: data as unknown as Record<string, unknown> },
      { id: randomUUID(), at: new Date().toISOString() },
    );
    this.tail.committed();
  }
}

/** The split brains the fleet shows now, one per relationship. */
export function splitBrains(peers: readonly FleetPeer[]): Map<string, SplitBrainRaised> {
  const found = new Map<string, SplitBrainRaised>();
  for (const peer of peers) {
    if (peer.splitBrain === null) continue;
    const pair: [string, string] = [peer.peer, peer.splitBrain.partner].sort() as [string, string];
    const key = keyOf(peer.cluster, pair);
    if (found.has(key)) continue;
    const partner = peers.find((p) => p.cluster === peer.cluster && p.peer === peer.splitBrain?.partner);
    found.set(key, {
      cluster: peer.cluster,
      peers: pair,
      scopes: [...peer.splitBrain.scopes],
      states: { [peer.peer]: peer.state, ...(partner ? { [partner.peer]: partner.state } : {}) },
      since: peer.splitBrain.since ?? new Date().toISOString(),
    });
  }
  return found;
}
