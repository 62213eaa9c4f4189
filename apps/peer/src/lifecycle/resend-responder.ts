import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from '@haco/common';
import { resendSubject } from '@haco/contracts';
import { EventPublisher, Outbox } from '@haco/nats';
import type { PeerSettings } from '../config/peer-config';
import { LOGGER, NATS_CONNECTION, PEER_SETTINGS } from '../ports/tokens';

/**
 * Answers a coordinator that asks for the peer's events again from a seq on (a log restored from a
 * backup lacks what the peer recorded since): what the outbox retains from there is published again, and
 * the answer says how many and the oldest seq still retained, so that a gap older than that is known.
 */
@Injectable()
export class ResendResponder implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscription: Subscription | null = null;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(PEER_SETTINGS) private readonly settings: PeerSettings,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const subject = resendSubject(this.settings.cluster, this.settings.ha.thisServerName);
    this.subscription = this.nc.subscribe(subject, {
      callback: (error, message) => {
        if (error !== null) return;
        let fromSeq = Number.NaN;
        try {
          fromSeq = Number((message.json() as { fromSeq?: unknown }).fromSeq);
        } catch {
          // answered below as refused
        }
        if (!Number.isInteger(fromSeq) || fromSeq < 1) {
          message.respond(JSON.stringify({ error: "'fromSeq' must be a positive integer" }));
          return;
        }
        void this.resend(fromSeq).then((answer) => message.respond(JSON.stringify(answer)));
      },
    });
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  private async resend(fromSeq: number): Promise<Record<string, unknown>> {
    const { entries, oldest } = this.outbox.retainedFrom(fromSeq);
    try {
      const resent = await this.publisher.resend(entries);
      if (resent > 0) this.log.info('events published again for a coordinator', { fromSeq, resent, oldest });
      return { resent, oldestRetained: oldest };
    } catch (error) {
      this.log.warn('events could not be published again', { fromSeq, error: (error as Error).message });
      return { error: (error as Error).message };
    }
  }
}
