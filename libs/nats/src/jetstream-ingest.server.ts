import type { CustomTransportStrategy } from '@nestjs/microservices';
import { Server } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { isObservable, lastValueFrom } from 'rxjs';
import type { Logger } from '@haco/common';
import { EVENTS_STREAM } from '@haco/contracts';
import { ensureEventsStream } from './events-stream';
import { SOURCE_HEADER } from './headers';
import { IngestBuffer } from './ingest-buffer';

/** The @EventPattern that receives each group of messages to commit together. */
export const INGEST_BATCH_PATTERN = 'haco.ingest.batch';
export const INGEST_CONSUMER = 'haco-coordinator';

/** A group of JetStream messages, committed together and only then acknowledged. */
export interface IngestBatch {
  readonly messages: readonly {
    readonly subject: string;
    readonly text: string;
    /** The publisher's Haco-Source header (host, pid and run), when it gave one. */
    readonly source: string | null;
  }[];
  /** When the group was taken off JetStream (ISO 8601). */
  readonly receivedAt: string;
}

const ACK_WAIT_NS = 5_000_000_000;
const PULL_WINDOW_BYTES = 4 * 1024 * 1024;
/** nats.js takes no idle heartbeat under 500 ms. */
const IDLE_HEARTBEAT_MS = 500;
/**
 * A group of at most 64 messages or 1 MiB (a peer's batch is at most 768 KiB, 5,000 events): a commit
 * of a few thousand events is as fast per event as a larger one, and a message waits behind few of them.
 * With at most 2 MiB waiting and the 4 MiB pull window, a burst's messages are acknowledged well within
 * ack_wait instead of being redelivered while they wait.
 */
const BUFFER_LIMITS = { groupMessages: 64, groupBytes: 1024 * 1024, waitingBytes: 2 * 1024 * 1024 };

export interface IngestServerOptions {
  readonly replicas: number;
  /** The bound of the events stream, when this server creates it. */
  readonly maxBytes?: number;
  readonly log: Logger;
}

/**
 * A Nest transport over the durable JetStream pull consumer of every peer's events. Whatever has arrived
 * is handed to the INGEST_BATCH_PATTERN handler as one group (group commit): a burst costs few
 * transactions and a lone event waits for none. A message is acknowledged only after its handler
 * resolved (the commit that stores it, or records it as a dead letter); a handler that throws gets its
 * messages redelivered. So a coordinator killed at any moment loses nothing and stores nothing twice.
 */
export class JetStreamIngestServer extends Server implements CustomTransportStrategy {
  private running = false;
  private loop: Promise<void> | null = null;
  private messages: ConsumerMessages | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: IngestServerOptions,
  ) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.prepareConsumer();
      this.running = true;
      this.loop = this.consume();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    this.running = false;
    this.messages?.stop();
    await this.loop;
  }

  on(): void {
    throw new Error('the ingest transport emits no events');
  }

  unwrap<T>(): T {
    return this.nc as T;
  }

  private async prepareConsumer(): Promise<void> {
    await ensureEventsStream(this.nc, { replicas: this.options.replicas, maxBytes: this.options.maxBytes });
    const jsm = await jetstreamManager(this.nc);
    // Messages a killed coordinator fetched but never acknowledged come back after ack_wait: keep it short.
    const config = { ack_wait: ACK_WAIT_NS, max_ack_pending: 10_000 };
    await jsm.consumers
      .info(EVENTS_STREAM, INGEST_CONSUMER)
      .then(() => jsm.consumers.update(EVENTS_STREAM, INGEST_CONSUMER, config))
      .catch(() =>
        jsm.consumers.add(EVENTS_STREAM, {
          durable_name: INGEST_CONSUMER,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          ...config,
        }),
      );
  }

  private async consume(): Promise<void> {
    let prepared = true;
    while (this.running) {
      try {
        // After a reconnect or a failure the stream or the consumer may be gone (a NATS server that lost
        // its store): both are ensured again, with the configured options, before consuming.
        if (!prepared) await this.prepareConsumer();
        prepared = false;
        await this.consumeOnce();
      } catch (error) {
        if (!this.running) return;
        this.options.log.warn('event ingest interrupted; retrying', { error: (error as Error).message });
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  private async consumeOnce(): Promise<void> {
    const consumer = await jetstream(this.nc).consumers.get(EVENTS_STREAM, INGEST_CONSUMER);
    const buffer = new IngestBuffer(BUFFER_LIMITS);
    const messages = await consumer.consume({
      // The pull window in bytes, well under nats-server's 64 MiB per-client max_pending: a window of
      // hundreds of large batches loses pull requests server-side, and ingest then stalls until missed
      // heartbeats renew the consumer (seen as 2.6 s holes under load). Read as an iterator, the window is
      // refilled only as the buffer takes messages in, so what waits uncommitted stays bounded.
      max_bytes: PULL_WINDOW_BYTES,
      // Pull requests are renewed every 2 s. One the server loses (a failed NATS node, or under load) shows
      // as missed idle heartbeats: two missed renew the consumer within a second or two.
      expires: 2_000,
      idle_heartbeat: IDLE_HEARTBEAT_MS,
    });
    this.messages = messages;
    this.renewOnTrouble(messages, buffer);
    let closed = false;
    let failure: unknown = null;
    const reading = (async () => {
      for await (const message of messages) await buffer.add(message);
    })()
      .catch((error: unknown) => (failure = error))
      .finally(() => {
        closed = true;
        buffer.release();
      });
    while (this.running && !closed) {
      await buffer.arrival(250);
      // Let messages that came in during the last commit reach the buffer, so they commit together.
      await new Promise((resolve) => setImmediate(resolve));
      const group = buffer.take();
      if (group.length > 0) await this.deliver(group);
    }
    // What already arrived is stored and acknowledged rather than left to ack_wait.
    messages.stop();
    buffer.release();
    await reading;
    while (buffer.size > 0) await this.deliver(buffer.take());
    if (failure !== null) throw failure;
  }

  /**
   * A pull consumer whose server went away can sit waiting for messages that never come: after a reconnect
   * (say to another node of a NATS cluster) or missed heartbeats, it is closed and made anew.
   */
  private renewOnTrouble(messages: ConsumerMessages, buffer: IngestBuffer): void {
    void (async () => {
      for await (const status of messages.status()) {
        // While the buffer is full no pull is open, by design: no heartbeat is due.
        if (status.type === 'heartbeats_missed' && status.count >= 2 && !buffer.full) {
          this.options.log.warn('event ingest: heartbeats missed; renewing the consumer');
          messages.stop();
          return;
        }
      }
    })().catch(() => undefined);
    const connection = this.nc.status();
    // nats.js gives a stoppable iterator; stopping it unregisters the listener with the consumer's end.
    void messages.closed().finally(() => (connection as { stop?: () => void }).stop?.());
    void (async () => {
      for await (const status of connection) {
        if (status.type === 'reconnect') {
          this.options.log.info('event ingest: NATS reconnected; renewing the consumer');
          messages.stop();
          return;
        }
      }
    })().catch(() => undefined);
  }

  private async deliver(messages: readonly JsMsg[]): Promise<void> {
    const handler = this.getHandlerByPattern(INGEST_BATCH_PATTERN);
    if (handler === null) throw new Error(`no @EventPattern('${INGEST_BATCH_PATTERN}') handler`);
    const decoder = new TextDecoder();
    const batch: IngestBatch = {
      receivedAt: new Date().toISOString(),
      messages: messages.map((message) => ({
        subject: message.subject,
        text: decoder.decode(message.data),
        source: message.headers?.get(SOURCE_HEADER) || null,
      })),
    };
    try {
      // Nest hands a failed handler back as a failing stream, through its exception filters.
      const result: unknown = await handler(batch);
      if (isObservable(result)) await lastValueFrom(result, { defaultValue: undefined });
    } catch (error) {
      // Not committed: let JetStream deliver them again rather than lose them.
      this.options.log.error('could not store events; they will be redelivered', {
        error: (error as Error).message,
      });
      for (const message of messages) message.nak(1_000);
      return;
    }
    for (const message of messages) message.ack();
  }
}
