import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { NatsConnection } from '@nats-io/transport-node';
import { headers } from '@nats-io/transport-node';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { Logger } from '@haco/common';
import type { EventEnvelope } from '@haco/contracts';
import type { Outbox, OutboxEntry } from './outbox';
import { SOURCE_HEADER } from './headers';

let instance: string | undefined;

/**
 * This process as a publisher: host, pid and a run id, so that two live copies of one peer (another host,
 * a copied data directory) are told apart in the coordinator's dispute records. Made on first use, not at
 * load: a peer started from its startup snapshot loaded this module in the build's process.
 */
function thisInstance(): string {
  instance ??= `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
  return instance;
}

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;
/** Under NATS's default 1 MiB max_payload, with room for headers; less when the server allows less. */
export const MAX_BATCH_BYTES = 768 * 1024;
export const MAX_BATCH_EVENTS = 5_000;
const HEADER_ROOM = 4 * 1024;

/**
 * Publishes the outbox to JetStream strictly in order, as JSON arrays of consecutive envelopes (one
 * acknowledgement per batch instead of per event), one batch at a time. The message id names the batch's
 * first event and last seq, so a batch published again is dropped by JetStream; a batch cut differently
 * after a restart is deduplicated by the coordinator, event by event. On failure it keeps the envelopes
 * and retries with backoff; nothing is dropped.
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
    const limit = Math.min(MAX_BATCH_BYTES, (this.nc.info?.max_payload ?? 1024 * 1024) - HEADER_ROOM);
    for (let batch = nextBatch(this.outbox.unpublished(), limit); batch.envelopes.length > 0;) {
      if (this.stopped) return;
      try {
        await this.publish(batch);
        this.outbox.acknowledge(batch.envelopes[batch.envelopes.length - 1].seq);
        this.retryDelay = RETRY_MIN_MS;
        batch = nextBatch(this.outbox.unpublished(), limit);
      } catch (error) {
        this.log.warn('event publish failed; will retry', {
          seq: batch.envelopes[0].seq,
          retryInMs: this.retryDelay,
          error: (error as Error).message,
        });
        this.timer = setTimeout(() => this.kick(), this.retryDelay);
        this.retryDelay = Math.min(RETRY_MAX_MS, this.retryDelay * 2);
        return;
      }
    }
  }

  /**
   * Publishes again envelopes JetStream took long ago (a restored coordinator's log lacks them), in
   * batches as usual but under message ids of their own: within JetStream's duplicate window the usual
   * ids would be dropped as repeats. The coordinator stores each event once, by its id. Returns how many.
   */
  async resend(entries: readonly OutboxEntry[]): Promise<number> {
    const limit = Math.min(MAX_BATCH_BYTES, (this.nc.info?.max_payload ?? 1024 * 1024) - HEADER_ROOM);
    const nonce = randomBytes(4).toString('hex');
    let sent = 0;
    for (let rest = entries; rest.length > 0;) {
      const batch = nextBatch(rest, limit);
      await this.publish(batch, `.resent.${nonce}`);
      sent += batch.envelopes.length;
      rest = rest.slice(batch.envelopes.length);
    }
    return sent;
  }

  private async publish(batch: Batch, idSuffix = ''): Promise<void> {
    if (this.nc.isClosed()) throw new Error('NATS connection is closed');
    const first = batch.envelopes[0];
    const last = batch.envelopes[batch.envelopes.length - 1];
    const h = headers();
    h.set('Haco-Stream', first.stream);
    h.set('Haco-Seq', `${first.seq}-${last.seq}`);
    h.set(SOURCE_HEADER, thisInstance());
    await this.js.publish(this.subject, `[${batch.texts.join(',')}]`, {
      msgID: `${first.id}..${last.seq}${idSuffix}`,
      headers: h,
      timeout: 2_000,
    });
  }
}

interface Batch {
  readonly envelopes: readonly EventEnvelope[];
  readonly texts: readonly string[];
}

/** The oldest unpublished envelopes that fit in one message, as the outbox wrote them. */
function nextBatch(pending: readonly OutboxEntry[], maxBytes: number): Batch {
  const envelopes: EventEnvelope[] = [];
  const texts: string[] = [];
  let bytes = 2;
  for (const { envelope, line } of pending) {
    bytes += line.length + 1;
    if (envelopes.length > 0 && (bytes > maxBytes || envelopes.length >= MAX_BATCH_EVENTS)) break;
    envelopes.push(envelope);
    texts.push(line);
  }
  return { envelopes, texts };
}
