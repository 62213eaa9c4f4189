import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from '@haco/common';
import { Outbox } from '@haco/nats';
import { EventsStreamKeeper } from './events-stream-keeper';
import type { RestartKind } from '@haco/ha-core';
import type { PeerSettings } from '../config/peer-config';
import { DhcpReenableTimer } from '../effects/dhcp-reenable-timer';
import { HeartbeatLoop } from '../effects/heartbeat-loop';
import { EventPublisher } from '@haco/nats';
import type { LeaseStore } from '../leases/lease-store';
import type { Clock } from '../ports/clock';
import type { Decided, DecidedListener } from '../runtime/machine-runner';
import { MachineRunner } from '../runtime/machine-runner';
import { CLOCK, LEASE_STORE, LOGGER, PEER_SETTINGS } from '../ports/tokens';

/** How long a stopping peer waits for JetStream to acknowledge its last events (they stay in the outbox). */
const PUBLISH_GRACE_MS = 2_000;

/**
 * Starts the HA service once everything is wired, publishes every decision's events, and stops in order:
 * no more inputs, no timers, the last events published (or left in the outbox for the next start).
 */
@Injectable()
export class PeerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown, DecidedListener {
  constructor(
    @Inject(MachineRunner) private readonly runner: MachineRunner,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(HeartbeatLoop) private readonly heartbeat: HeartbeatLoop,
    @Inject(DhcpReenableTimer) private readonly reenable: DhcpReenableTimer,
    @Inject(LEASE_STORE) private readonly leases: LeaseStore,
    @Inject(PEER_SETTINGS) private readonly settings: PeerSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(EventsStreamKeeper) private readonly eventsStream: EventsStreamKeeper,
    @Inject(Outbox) private readonly outbox: Outbox,
  ) {}

  onDecided(_decided: Decided): void {
    this.publisher.kick();
  }

  async onApplicationBootstrap(): Promise<void> {
    // The HA service starts at once, as Kea's does: its events wait in the outbox while the events stream
    // is checked (JetStream round trips that used to come first), and are published from then on.
    const restart = restartKind(this.outbox.previousLastType);
    await this.runner.turn(() =>
      this.runner.submit({
        type: 'start',
        at: this.clock.now(),
        config: this.settings.ha,
        ...(restart === undefined ? {} : { restart }),
      }),
    );
    await this.eventsStream.ensure();
    this.runner.listen(this);
    this.publisher.kick();
    const machine = this.runner.state;
    this.log.info('peer started', { state: machine?.state, paused: machine?.paused });
  }

  /** Why the peer stops (the signal main.ts received), recorded in its ServiceStopped. */
  stopReason = 'shutdown';

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    // The stop is the run's last decision: recorded, so the next start knows it was clean.
    const reason = signal ?? this.stopReason;
    await this.runner.turn(() => this.runner.submit({ type: 'stop', at: this.clock.now(), reason }));
    this.runner.close();
    this.heartbeat.stop();
    this.reenable.stop();
    let grace: NodeJS.Timeout | null = null;
    await Promise.race([
      this.publisher.idle(),
      new Promise((resolve) => (grace = setTimeout(resolve, PUBLISH_GRACE_MS))),
    ]);
    if (grace !== null) clearTimeout(grace);
    this.publisher.stop();
    this.leases.close?.();
  }
}

/** How this run starts, from the last event of the one before: none, a clean stop, or anything else (a crash). */
function restartKind(previousLastType: string | null): RestartKind | undefined {
  if (previousLastType === null) return undefined;
  return previousLastType === 'ServiceStopped' ? 'after-clean-stop' : 'after-crash';
}
