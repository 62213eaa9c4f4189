import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@haco/common';
import { PRESENCE_INTERVAL_MS, presenceSubject } from '@haco/contracts';
import type { HaConfig, HaEvent, HaState } from '@haco/ha-core';
import { HA_STATES } from '@haco/ha-core';
import type { WatchedServer } from '../config/watch-config';
import type { KeaHaStatus } from '../kea/kea-answers';
import { haConfigOf, haStatusOf } from '../kea/kea-answers';
import type { KeaControlClient } from '../kea/kea-control-client';
import type { KeaLogObservation } from '../kea/kea-log-line';
import { readKeaLogLine } from '../kea/kea-log-line';
import { LogFollower } from '../kea/log-follower';
import type { ObservationLog } from './observation-log';
import type { WatchState } from './watch-state';
import { loadWatchState, saveWatchState } from './watch-state';

/** What the watcher saw last: the server's state and pause, as its stream folds them. */
interface Seen {
  state: HaState;
  paused: boolean;
  partnerState: HaState | null;
  partnerScopes: string;
}

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
  private config: HaConfig | null = null;
  private seen: Seen | null = null;
  private reachable = false;
  private readonly follower: LogFollower | null;
  private readonly restored: WatchState | null;
  /** The haco command id of an ha-continue just forwarded: the continue Kea logs next is its doing. */
  private continuing: string | null = null;

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
    /** This run's start: log lines from before it are filled in afterwards, and marked so. */
    private readonly startedAt = now(),
  ) {
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
    return this.seen;
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
    this.continuing = commandId;
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
    if (this.seen === null && !(await this.begin(status, at))) return;
    if (this.follower !== null) {
      for (const line of this.follower.read()) {
        const seen = readKeaLogLine(line);
        if (seen !== null) this.recordLogged(seen);
      }
    } else if (status.state !== this.seen!.state) {
      this.transition(this.seen!.state, status.state, status.partnerState ?? 'unknown', at, 'status-get');
    }
    this.recordPartner(status, at);
    saveWatchState(this.dir, {
      state: this.seen!.state,
      paused: this.seen!.paused,
      lastSeenAt: at,
      logPosition: this.follower?.at ?? null,
    });
  }

  /** The first answer of this run: the server's configuration, and the stream's start or its gap. */
  private async begin(status: KeaHaStatus, at: number): Promise<boolean> {
    const config = haConfigOf(await this.client.command('config-get'));
    if (typeof config === 'string') {
      this.log.warn('cannot read the HA configuration', { server: this.server.name, reason: config });
      return false;
    }
    this.config = config;
    const partner = { partnerState: null, partnerScopes: '' };
    if (!this.observations.begun || this.restored === null) {
      this.firstRecords(status, at);
      return true;
    }
    this.seen = { state: this.restored.state, paused: this.restored.paused, ...partner };
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
    if (this.follower === null && status.state !== this.seen.state) {
      this.transition(this.seen.state, status.state, status.partnerState ?? 'unknown', at, 'status-get');
    }
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
    const startedAt = lastStart >= 0 ? logged[lastStart].at : at;
    this.observations.record(
      [{ type: 'ServiceStarted', config: this.config!, observedBy: this.observedBy }],
      startedAt,
    );
    this.seen = { state: 'waiting', paused: false, partnerState: null, partnerScopes: '' };
    for (const seen of logged.slice(lastStart + 1)) this.recordLogged(seen);
    if (lastStart < 0 && status.state !== this.seen.state) {
      this.transition(this.seen.state, status.state, status.partnerState ?? 'unknown', at, 'status-get');
    }
  }

  private recordLogged(seen: KeaLogObservation): void {
    const backfilled = seen.at < this.startedAt;
    switch (seen.kind) {
      case 'service-started':
        this.observations.record(
          [{ type: 'ServiceStarted', config: this.config!, observedBy: this.observedBy }],
          seen.at,
        );
        this.seen = { ...this.seen!, state: 'waiting', paused: false };
        return;
      case 'transition':
        this.transition(seen.from, seen.to, seen.partnerState, seen.at, 'kea-log', backfilled);
        return;
      case 'paused': {
        const pause = this.config?.pausing[seen.state] === 'once' ? 'once' : 'always';
        this.observations.record([{ type: 'StateMachinePaused', state: seen.state, pause }], seen.at);
        this.seen = { ...this.seen!, paused: true };
        return;
      }
      case 'continued': {
        const commandId = this.continuing ?? '';
        this.continuing = null;
        this.observations.record(
          [{ type: 'StateMachineContinued', state: this.seen!.state, commandId }],
          seen.at,
          commandId === '' ? undefined : commandId,
        );
        this.seen = { ...this.seen!, paused: false };
        return;
      }
    }
  }

  private transition(
    from: HaState,
    to: HaState,
    partnerState: string,
    at: number,
    source: 'kea-log' | 'status-get',
    backfilled = false,
  ): void {
    const event: HaEvent = {
      type: 'StateTransitioned',
      from,
      to,
      partnerState: partnerStateOf(partnerState),
      cause: { kind: 'observed', source, ...(backfilled ? { backfilled } : {}) },
    };
    this.observations.record([event], at);
    this.seen = { ...this.seen!, state: to, paused: false };
  }

  /** The partner as the server last heard it, recorded when that changes. */
  private recordPartner(status: KeaHaStatus, at: number): void {
    if (status.partnerState === null) return;
    const scopes = status.partnerScopes.join(',');
    if (status.partnerState === this.seen!.partnerState && scopes === this.seen!.partnerScopes) return;
    this.observations.record(
      [
        {
          type: 'HeartbeatSucceeded',
          partnerState: status.partnerState,
          partnerScopes: [...status.partnerScopes],
          partnerUnsentUpdateCount: null,
          clockSkewSeconds: 0,
        },
      ],
      at,
    );
    this.seen = { ...this.seen!, partnerState: status.partnerState, partnerScopes: scopes };
  }
}

/** A partner state as Kea logs it, in haco's names: one it has not heard from (UNDEFINED) is unknown. */
function partnerStateOf(label: string): HaState | 'unavailable' | 'unknown' {
  if (label === 'unavailable') return 'unavailable';
  return (HA_STATES as readonly string[]).includes(label) ? (label as HaState) : 'unknown';
}
