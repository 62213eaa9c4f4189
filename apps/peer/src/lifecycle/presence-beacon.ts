import { randomBytes } from 'node:crypto';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { PRESENCE_INTERVAL_MS, presenceSubject } from '@haco/contracts';
import type { PeerSettings } from '../config/peer-config';
import { NATS_CONNECTION, PEER_SETTINGS } from '../ports/tokens';

/**
 * Says "I am here" every PRESENCE_INTERVAL_MS on the peer's presence subject, whatever its HA state or
 * pause (a passive-backup or terminated peer runs no heartbeat, a paused one may not move): the
 * coordinator judges liveness from when it last heard this, on its own clock. Core NATS, not JetStream:
 * a presence is worth nothing later, so nothing is stored or resent. It goes on until the application has
 * shut down, after the peer's last events were published, so that a clean stop is seen as one.
 */
@Injectable()
export class PresenceBeacon implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  /** This run of the peer: a new one after every restart. */
  private readonly instance = randomBytes(6).toString('hex');

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(PEER_SETTINGS) private readonly settings: PeerSettings,
  ) {}

  onApplicationBootstrap(): void {
    const subject = presenceSubject(this.settings.cluster, this.settings.ha.thisServerName);
    const beacon = JSON.stringify({ instance: this.instance, pid: process.pid });
    const say = () => {
      if (!this.nc.isClosed()) this.nc.publish(subject, beacon);
    };
    say();
    this.timer = setInterval(say, PRESENCE_INTERVAL_MS);
  }

  onApplicationShutdown(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
