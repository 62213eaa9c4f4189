import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { ALL_PRESENCE_SUBJECTS, parsePresenceSubject, PRESENCE_INTERVAL_MS, streamId } from '@haco/contracts';
import { NATS_CONNECTION } from '../common/tokens';
import { CatchUp } from './catch-up';

/** A peer unheard of for this long is unreachable: three presence signals missed. */
export const PRESENCE_TIMEOUT_MS = 3 * PRESENCE_INTERVAL_MS;

/** When this coordinator last heard a peer (its own clock), and which run of the peer it was. */
export interface Presence {
  readonly atMs: number;
  readonly instance: string;
}

/**
 * Every peer's presence as this coordinator hears it, on its own clock. It can judge a peer only while it
 * is listening: from PRESENCE_TIMEOUT_MS after it started listening, and while its NATS connection is up
 * (a coordinator that hears nothing because it is cut off must not call the peers dead).
 */
@Injectable()
export class PresenceTracker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly heard = new Map<string, Presence>();
  private subscription: Subscription | null = null;
  /** Since when this coordinator has been listening without a break; null while it cannot. */
  private listeningSince: number | null = null;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(CatchUp) private readonly catchUp: CatchUp,
  ) {}

  onApplicationBootstrap(): void {
    this.listeningSince = Date.now();
    this.subscription = this.nc.subscribe(ALL_PRESENCE_SUBJECTS, {
      callback: (error, message) => {
        if (error !== null) return;
        const source = parsePresenceSubject(message.subject);
        if (source === null) return;
        let instance = '';
        try {
          instance = String((message.json() as { instance?: unknown }).instance ?? '');
        } catch {
          // A presence is its subject; a body that does not read still says the peer is there.
        }
        const stream = streamId(source.cluster, source.peer);
        if (this.heard.get(stream)?.instance !== instance) void this.catchUp.ask(source.cluster, source.peer);
        this.heard.set(stream, { atMs: Date.now(), instance });
      },
    });
    void this.followConnection();
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  lastHeard(stream: string): Presence | undefined {
    return this.heard.get(stream);
  }

  /** Whether silence means something now: listening, for long enough to have heard every live peer. */
  judging(nowMs: number): boolean {
    return this.listeningSince !== null && nowMs - this.listeningSince >= PRESENCE_TIMEOUT_MS;
  }

  /** Since when it has been listening (to date an unreachable peer it never heard). */
  get since(): number | null {
    return this.listeningSince;
  }

  private async followConnection(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect') this.listeningSince = null;
      else if (status.type === 'reconnect') this.listeningSince = Date.now();
    }
  }
}
