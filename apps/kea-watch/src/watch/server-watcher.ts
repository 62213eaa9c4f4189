import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@haco/common';
import { PRESENCE_INTERVAL_MS, presenceSubject } from '@haco/contracts';
import type { HaState } from '@haco/ha-core';
import type { WatchedServer } from '../config/watch-config';
import type { KeaHaStatus } from '../kea/kea-answers';
import { haConfigOf, haStatusOf } from '../kea/kea-answers';
import type { KeaControlClient } from '../kea/kea-control-client';
import { readKeaLogLine } from '../kea/kea-log-line';
import { LogFollower } from '../kea/log-follower';
import type { ObservationLog } from './observation-log';
import { ObservedServer } from './observed-server';
import type { WatchState } from './watch-state';
import { loadWatchState, saveWatchState } from './watch-state';

/**
 * Follows one real Kea server: polls status-get (reachability, state, the partner as it last heard it)
 * and reads its HA log lines, and records what it sees in the server's own stream. While the server
 * answers, it says so on the server's presence subject, so that the coordinator judges it up or
 * unreachable exactly as it judges a haco peer.
 */
export class ServerWatcher {
  private timer: NodeJS.Timeout | null = null;
  private presence: NodeJS.Timeout | null = null;
  private ticking = false;
  private began = false;
  private reachable = false;
  private readonly observed: ObservedServer;
  private readonly follower: LogFollower | null;
  private readonly restored: WatchState | null;

  constructor(
    private readonly cluster: string,
    private readonly server: WatchedServer,
    private readonly dir: string,
    private readonly client: KeaControlClient,
    private readonly observations: ObservationLog,
    private readonly nc: NatsConnection,
    private readonly log: Logger,
    /** Who watches: written into the stream's start, so replay folds it rather than re-deciding it. */
    private readonly observedBy: string,
    private readonly now: () => number,
  ) {
    this.observed = new ObservedServer(observations, observedBy, now(), (from, to, partnerState) =>
      log.warn("a transition Kea 2.2's rules would not make (shadow check)", {
        server: server.name,
        from,
        to,
        partnerState,
      }),
    );
    this.restored = loadWatchState(dir);
    this.follower =
      server.logFile === undefined
        ? null
        : new LogFollower(server.logFile, this.restored?.logPosition ?? null);
  }

  get name(): string {
    return this.server.name;
  }

  /** The state and pause as last seen, for a guard checked just before a command is sent. */
  get current(): { readonly state: HaState; readonly paused: boolean } | null {
    return this.began ? this.observed.seen : null;
  }

  start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.server.pollIntervalMs);
    this.presence = setInterval(() => this.sayPresent(), PRESENCE_INTERVAL_MS);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    if (this.presence !== null) clearInterval(this.presence);
    this.timer = this.presence = null;
  }

  /** Kea logs the next continue as this command's (a forwarded ha-continue). */
  expectContinue(commandId: string): void {
    this.observed.continuing = commandId;
  }

  /** Asks Kea now (a guard is checked on this, just before a command goes out). */
  async poll(): Promise<KeaHaStatus | string> {
    try {
      return haStatusOf(await this.client.command('status-get'));
    } catch (error) {
      return `no answer: ${(error as Error).message}`;
    }
  }

  private sayPresent(): void {
    if (!this.reachable || this.nc.isClosed()) return;
    this.nc.publish(
      presenceSubject(this.cluster, this.server.name),
      JSON.stringify({ watchedBy: this.observedBy }),
    );
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.observe();
    } catch (error) {
      this.log.warn('watching failed this round', {
        server: this.server.name,
        error: (error as Error).message,
      });
    } finally {
      this.ticking = false;
    }
  }

  private async observe(): Promise<void> {
    const status = await this.poll();
    if (typeof status === 'string') {
      if (this.reachable)
        this.log.warn('Kea server does not answer', { server: this.server.name, reason: status });
      this.reachable = false;
      return;
    }
    if (!this.reachable)
      this.log.info('Kea server answers', { server: this.server.name, state: status.state });
    this.reachable = true;
    this.sayPresent();
    const at = this.now();
    if (!this.began && !(await this.begin(status, at))) return;
    const seen = this.observed;
    if (this.follower !== null) {
      const logged = this.follower
        .read()
        .map(readKeaLogLine)
        .filter((line) => line !== null);
      // Kea started its HA service again (a restart, a reconfiguration): its configuration may be new.
      if (logged.some((line) => line.kind === 'service-started')) await this.refreshConfig();
      for (const line of logged) seen.logged(line);
    } else {
      seen.polled(status, at);
    }
    seen.partner(status, at);
    saveWatchState(this.dir, {
      state: seen.seen.state,
      paused: seen.seen.paused,
      lastSeenAt: at,
      logPosition: this.follower?.at ?? null,
    });
  }

  private async refreshConfig(): Promise<void> {
    const config = haConfigOf(await this.client.command('config-get'));
    if (typeof config === 'string') {
      this.log.warn('cannot read the HA configuration', { server: this.server.name, reason: config });
    } else {
      this.observed.config = config;
    }
  }

  /** The first answer of this run: the server's configuration, and the stream's start or its gap. */
  private async begin(status: KeaHaStatus, at: number): Promise<boolean> {
    const config = haConfigOf(await this.client.command('config-get'));
    if (typeof config === 'string') {
      this.log.warn('cannot read the HA configuration', { server: this.server.name, reason: config });
      return false;
    }
    this.observed.config = config;
    this.began = true;
    if (!this.observations.begun || this.restored === null) {
      this.firstRecords(status, at);
      return true;
    }
    this.observed.seen = { ...this.observed.seen, state: this.restored.state, paused: this.restored.paused };
    this.observations.record(
      [
        {
          type: 'ObservationGap',
          from: new Date(this.restored.lastSeenAt).toISOString(),
          to: new Date(at).toISOString(),
        },
      ],
      at,
    );
    if (this.follower === null) this.observed.polled(status, at);
    return true;
  }

  /**
   * A stream's beginning: with Kea's log, everything since the server's last start (its transitions and
   * pauses exactly, filled in as backfilled); without it, or when the start was rotated away, the state
   * status-get shows now.
   */
  private firstRecords(status: KeaHaStatus, at: number): void {
    const logged = (this.follower?.read() ?? []).map(readKeaLogLine).filter((seen) => seen !== null);
    const lastStart = logged.map((seen) => seen.kind).lastIndexOf('service-started');
    this.observed.started(lastStart >= 0 ? logged[lastStart].at : at);
    for (const seen of logged.slice(lastStart + 1)) this.observed.logged(seen);
    if (lastStart < 0) this.observed.polled(status, at);
  }
}
