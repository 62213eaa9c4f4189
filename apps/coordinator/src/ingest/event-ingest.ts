import type { ConsumerMessages, JsMsg, NatsConnection } from 'nats';
import { AckPolicy, ConsumerEvents, DeliverPolicy } from 'nats';
import {
  EVENTS_STREAM,
  ensureEventsStream,
  eventDataError,
  parseEventSubject,
  readEnvelope,
  streamId,
} from '@haco/contracts';
import type { EventStore, IngestItem } from '@haco/event-store';

export interface IngestLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const INGEST_CONSUMER = 'haco-coordinator';
const ACK_WAIT_NS = 5_000_000_000;
const PULL_WINDOW_BYTES = 16 * 1024 * 1024;
const IDLE_HEARTBEAT_MS = 250;

export interface IngestStats {
  /** Messages taken off JetStream and acknowledged. */
  messages: number;
  /** Events stored, including those released from behind a closed gap. */
  appended: number;
  duplicates: number;
  held: number;
  deadLetters: number;
}

/**
 * Moves every peer's events from JetStream into the event store. A message is acknowledged only after the
 * SQLite commit that stores it (or records it as a dead letter), so a coordinator killed at any moment
 * loses nothing, and a redelivered message is recognised by its id and stored once.
 */
export class EventIngest {
  readonly stats: IngestStats = { messages: 0, appended: 0, duplicates: 0, held: 0, deadLetters: 0 };
  private running = false;
  private loop: Promise<void> | null = null;
  private subscription: ConsumerMessages | null = null;
  /** When the last message was committed (ms), for ingest lag. */
  lastCommitAt: number | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly store: EventStore,
    private readonly log: IngestLogger,
    private readonly batchSize = 64,
  ) {}

  async start(): Promise<void> {
    await ensureEventsStream(this.nc);
    const jsm = await this.nc.jetstreamManager();
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
    this.running = true;
    this.loop = this.consume();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.subscription?.stop();
    await this.loop;
  }

  /**
   * Messages stream in (JetStream keeps up to PULL_WINDOW_BYTES on their way); whatever has arrived is
   * committed together (group commit), so a burst costs few transactions and a lone event waits for none.
   */
  private async consume(): Promise<void> {
    while (this.running) {
      try {
        const consumer = await this.nc.jetstream().consumers.get(EVENTS_STREAM, INGEST_CONSUMER);
        const buffer: JsMsg[] = [];
        let wake: (() => void) | null = null;
        const messages = await consumer.consume({
          // The pull window in bytes, well under nats-server's 64 MiB per-client max_pending: a window of
          // hundreds of large batches loses pull requests server-side, and ingest then stalls until
          // missed heartbeats renew the consumer (seen as 2.6 s holes under load).
          max_bytes: PULL_WINDOW_BYTES,
          // Pull requests are renewed every 2 s. One the server loses (a failed NATS node, or under load)
          // shows as missed idle heartbeats: two missed at 250 ms renew the consumer within a second.
          expires: 2_000,
          idle_heartbeat: IDLE_HEARTBEAT_MS,
          callback: (message) => {
            buffer.push(message);
            wake?.();
          },
        });
        this.subscription = messages;
        this.restartOnTrouble(messages);
        let closed = false;
        void messages.closed().then(
          () => (closed = true),
          () => (closed = true),
        );
        while (this.running && !closed) {
          if (buffer.length === 0) {
            await new Promise<void>((resolve) => {
              wake = resolve;
              setTimeout(resolve, 250);
            });
            wake = null;
          }
          // Let messages that came in during the last commit reach the buffer, so they commit together.
          await new Promise((resolve) => setImmediate(resolve));
          const batch = buffer.splice(0, this.batchSize);
          if (batch.length > 0) await this.handle(batch);
        }
        // What already arrived is stored and acknowledged rather than left to ack_wait.
        while (buffer.length > 0) await this.handle(buffer.splice(0, this.batchSize));
      } catch (error) {
        if (!this.running) return;
        this.log.warn('event ingest interrupted; retrying', { error: (error as Error).message });
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  /**
   * A pull consumer whose server went away can sit waiting for messages that never come: after a
   * reconnect (say to another node of a NATS cluster) or missed heartbeats, it is closed and made anew.
   */
  private restartOnTrouble(messages: ConsumerMessages): void {
    void (async () => {
      for await (const status of await messages.status()) {
        if (status.type === ConsumerEvents.HeartbeatsMissed && Number(status.data) >= 2) {
          this.log.warn('event ingest: heartbeats missed; renewing the consumer');
          messages.stop();
          return;
        }
      }
    })().catch(() => undefined);
    const connection = this.nc.status();
    // nats.js gives a stoppable iterator; stopping it unregisters the listener with the consumer's end.
    void messages.closed().finally(() => (connection as unknown as { stop?: () => void }).stop?.());
    void (async () => {
      for await (const status of connection) {
        if (status.type === 'reconnect') {
          this.log.info('event ingest: NATS reconnected; renewing the consumer');
          messages.stop();
          return;
        }
      }
    })().catch(() => undefined);
  }

  /** Stores a batch in one commit (dead letters included) and only then acknowledges its messages. */
  async handle(messages: readonly JsMsg[]): Promise<void> {
    const receivedAt = new Date().toISOString();
    const decoder = new TextDecoder();
    const items = messages.flatMap((message) => this.items(message.subject, decoder.decode(message.data)));
    let results;
    try {
      results = await this.store.ingest(items, receivedAt);
    } catch (error) {
      // Not committed: let JetStream deliver them again rather than lose them.
      this.log.error('could not store events; they will be redelivered', { error: (error as Error).message });
      for (const message of messages) message.nak(1_000);
      return;
    }
    results.forEach((result, index) => {
      if (result.outcome === 'appended') this.stats.appended += 1 + result.released;
      else if (result.outcome === 'duplicate') this.stats.duplicates += 1;
      else if (result.outcome === 'held') {
        this.stats.held += 1;
        this.log.warn('gap: event held back', {
          subject: items[index].subject,
          expected: result.expectedSeq,
        });
      } else {
        this.stats.deadLetters += 1;
        this.log.warn('dead letter', { subject: items[index].subject, reason: result.reason });
      }
    });
    this.lastCommitAt = Date.now();
    for (const message of messages) message.ack();
    this.stats.messages += messages.length;
  }

  /**
   * A message carries one envelope or, as peers publish them, a JSON array of consecutive envelopes. Each
   * envelope is checked on its own, so one bad envelope becomes one dead letter (and its stream a gap).
   */
  private items(subject: string, text: string): IngestItem[] {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return [{ subject, payload: text, refusal: 'malformed JSON' }];
    }
    const source = parseEventSubject(subject);
    const stream = source === null ? null : streamId(source.cluster, source.peer);
    if (!Array.isArray(raw)) return [this.item(subject, stream, raw, () => text)];
    if (raw.length === 0) return [{ subject, payload: text, refusal: 'empty batch' }];
    return raw.map((element: unknown) => this.item(subject, stream, element, () => JSON.stringify(element)));
  }

  /** The envelope, or why it cannot be stored: unknown, out of schema, or forged. */
  private item(subject: string, stream: string | null, raw: unknown, payload: () => string): IngestItem {
    const envelope = readEnvelope(raw);
    if (typeof envelope === 'string') return { subject, payload: payload(), refusal: envelope };
    if (stream !== envelope.stream) {
      return {
        subject,
        payload: payload(),
        refusal: `forged: stream ${envelope.stream} published on ${subject}`,
      };
    }
    const dataError = eventDataError(envelope.type, envelope.data as Record<string, unknown>);
    return dataError === null ? { subject, envelope } : { subject, payload: payload(), refusal: dataError };
  }
}
