import type { JetStreamClient, NatsConnection } from 'nats';
import { headers } from 'nats';
import type { EventEnvelope } from '@haco/contracts';
import type { Outbox } from './outbox';
import type { Logger } from '../runtime/logger';

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;

/**
 * Publishes the outbox to JetStream strictly in order, one envelope at a time, each with its id as the
 * message id. On failure it keeps the envelopes and retries with backoff; nothing is dropped.
 */
export class EventPublisher {
  private running = false;
  private retryDelay = RETRY_MIN_MS;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly outbox: Outbox,
    private readonly subject: string,
    private readonly log: Logger,
  ) {}

  kick(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    void this.drain().finally(() => {
      this.running = false;
      if (this.outbox.unpublished().length === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    });
  }

  /** Resolves once everything appended so far is acknowledged. */
  idle(): Promise<void> {
    if (this.outbox.unpublished().length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async drain(): Promise<void> {
    for (let next = this.outbox.unpublished()[0]; next !== undefined; next = this.outbox.unpublished()[0]) {
      if (this.stopped) return;
      try {
        await this.publish(next);
        this.outbox.acknowledge(next.seq);
        this.retryDelay = RETRY_MIN_MS;
      } catch (error) {
        this.log.warn('event publish failed; will retry', {
          seq: next.seq,
          retryInMs: this.retryDelay,
          error: (error as Error).message,
        });
        this.timer = setTimeout(() => this.kick(), this.retryDelay);
        this.retryDelay = Math.min(RETRY_MAX_MS, this.retryDelay * 2);
        return;
      }
    }
  }

  private async publish(envelope: EventEnvelope): Promise<void> {
    if (this.nc.isClosed()) throw new Error('NATS connection is closed');
    const h = headers();
    h.set('Haco-Stream', envelope.stream);
    h.set('Haco-Seq', String(envelope.seq));
    await this.js.publish(this.subject, JSON.stringify(envelope), {
      msgID: envelope.id,
      headers: h,
      timeout: 2_000,
    });
  }
}
