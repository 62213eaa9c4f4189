import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@haco/common';
import { EventsStreamKeeper } from './events-stream-keeper';
import { EventPublisher } from '@haco/nats';
import { PartnerClient } from '../partner/partner-client';
import { LOGGER, NATS_CONNECTION } from '../ports/tokens';

/**
 * Follows the peer's NATS connection: without it peers cannot reach each other (requests fail at once,
 * as a refused connection), and what waited in the outbox is published as soon as it is back.
 */
@Injectable()
export class NatsStatusWatcher implements OnApplicationBootstrap {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(PartnerClient) private readonly partner: PartnerClient,
    @Inject(EventPublisher) private readonly publisher: EventPublisher,
    @Inject(EventsStreamKeeper) private readonly eventsStream: EventsStreamKeeper,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onApplicationBootstrap(): void {
    void this.watch();
  }

  private async watch(): Promise<void> {
    for await (const status of this.nc.status()) {
      switch (status.type) {
        case 'disconnect':
          this.log.warn('nats disconnect', { server: status.server });
          this.partner.setConnected(false);
          break;
        case 'reconnect':
          // Reconnects are routine on a NATS cluster: debug, while the disconnect before it is the warning.
          this.log.debug('nats reconnect', { server: status.server });
          await this.eventsStream.ensure();
          this.partner.setConnected(true);
          this.publisher.kick();
          break;
        default:
          break;
      }
    }
  }
}
