import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { Logger } from '@haco/common';
import type { EventStore } from '@haco/event-store';
import { ingestItems } from '@haco/event-store';
import type { IngestBatch } from '@haco/nats';
import { INGEST_BATCH_PATTERN } from '@haco/nats';
import { EVENT_STORE, LOGGER } from '../common/tokens';
import { HacoMetrics } from '../metrics/haco-metrics';
import { LogTail } from '../store/log-tail';
import { IngestStats } from './ingest-stats';

/**
 * Every group of event messages the JetStream ingest transport takes off the stream, stored in one commit
 * (dead letters included). The transport acknowledges the messages only once this has returned.
 */
@Controller()
export class IngestController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IngestStats) private readonly stats: IngestStats,
    @Inject(LOGGER) private readonly log: Logger,
    @Inject(HacoMetrics) private readonly metrics: HacoMetrics,
    @Inject(LogTail) private readonly tail: LogTail,
  ) {}

  @EventPattern(INGEST_BATCH_PATTERN)
  async commit(@Payload() batch: IngestBatch): Promise<void> {
    const items = batch.messages.flatMap((message) =>
      ingestItems(message.subject, message.text).map((item) => ({ ...item, source: message.source })),
    );
    const stopTimer = this.metrics.ingestCommitSeconds.startTimer();
    const results = await this.store.ingest(items, batch.receivedAt);
    stopTimer();
    results.forEach((result, index) => {
      this.stats.count(result);
      if (result.outcome === 'held') {
        this.log.warn('gap: event held back', {
          subject: items[index].subject,
          expected: result.expectedSeq,
        });
      } else if (result.outcome === 'dead-letter') {
        if (result.disputed === true) {
          this.metrics.disputes.inc();
          this.log.error('disputed stream: an event claims a place another holds; both are kept', {
            subject: items[index].subject,
            reason: result.reason,
            source: items[index].source,
          });
        } else {
          this.log.warn('dead letter', { subject: items[index].subject, reason: result.reason });
        }
      }
    });
    this.stats.lastCommitAt = Date.now();
    this.tail.committed();
    this.stats.messages += batch.messages.length;
  }
}
