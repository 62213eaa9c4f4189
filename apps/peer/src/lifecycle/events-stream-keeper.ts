import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@haco/common';
import type { EventsStreamOptions } from '@haco/nats';
import { ensureEventsStream } from '@haco/nats';
import { EVENTS_STREAM_OPTIONS, LOGGER, NATS_CONNECTION } from '../ports/tokens';

/**
 * Ensures the events stream with the peer's configured options, at boot and after every reconnect: the
 * peer's one way to create or update it, so a reconnect never makes it with defaults.
 */
@Injectable()
export class EventsStreamKeeper {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(EVENTS_STREAM_OPTIONS) private readonly options: EventsStreamOptions,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async ensure(): Promise<void> {
    try {
      const outcome = await ensureEventsStream(this.nc, this.options);
      if (outcome !== 'unchanged') this.log.info(`events stream ${outcome}`, { ...this.options });
    } catch (error) {
      const message = (error as Error).message;
      // With least-privilege NATS users only coordinators create the stream: the events wait in the
      // outbox until it is there, which is no fault of this peer's.
      if (/permissions violation/i.test(message)) {
        this.log.info(
          "the events stream is a coordinator's to create or change; events wait in the outbox until it is there",
        );
      } else {
        this.log.warn('could not ensure the events stream yet', { error: message });
      }
    }
  }
}
