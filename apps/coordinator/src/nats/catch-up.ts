import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '@haco/common';
import { resendSubject, streamId } from '@haco/contracts';
import type { EventStore } from '@haco/event-store';
import { EVENT_STORE, LOGGER, NATS_CONNECTION } from '../common/tokens';

/**
 * Asks a peer to publish again what its outbox retains past the log's head for its stream, whenever a run
 * of the peer is first heard (at this coordinator's start, and after the peer's restart). A log restored
 * from a backup so gets back what the peers recorded since; otherwise there is nothing past the head, or
 * what is comes twice and is stored once. A real Kea server's stream (kea-watch) has no one to answer.
 */
@Injectable()
export class CatchUp {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async ask(cluster: string, peer: string): Promise<void> {
    const stream = streamId(cluster, peer);
    const head = (await this.store.streamHead(stream))?.lastSeq ?? 0;
    try {
      const reply = await this.nc.request(
        resendSubject(cluster, peer),
        JSON.stringify({ fromSeq: head + 1 }),
        {
          timeout: 10_000,
        },
      );
      const answer = reply.json<{ resent?: number; oldestRetained?: number | null; error?: string }>();
      if (answer.error !== undefined) {
        this.log.warn('a peer could not publish its events again', { stream, error: answer.error });
      } else if ((answer.resent ?? 0) > 0) {
        this.log.info('a peer publishes again what the log lacks', { stream, fromSeq: head + 1, ...answer });
      }
      if (
        answer.oldestRetained !== undefined &&
        answer.oldestRetained !== null &&
        answer.oldestRetained > head + 1
      ) {
        this.log.error('the peer no longer retains all the log lacks: a gap stays', {
          stream,
          missingFrom: head + 1,
          retainedFrom: answer.oldestRetained,
        });
      }
    } catch (error) {
      // No one answers for a watched Kea server, or for a peer of an older version.
      this.log.debug('no catch-up answer', { stream, error: (error as Error).message });
    }
  }
}
