import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import type { Logger } from '@haco/common';
import { eventSubject, streamId, toEnvelope } from '@haco/contracts';
import type { HaEvent } from '@haco/ha-core';
import { EventPublisher, Outbox } from '@haco/nats';

/**
 * One watched server's stream: observations are appended to a durable outbox first (as a peer's
 * decisions are), then published in order to the server's own events subject. A restarted watcher
 * continues the sequence and republishes what was never acknowledged.
 */
export class ObservationLog {
  private readonly outbox: Outbox;
  private readonly publisher: EventPublisher;
  private readonly stream: string;

  constructor(dataDir: string, cluster: string, server: string, nc: NatsConnection, log: Logger) {
    this.stream = streamId(cluster, server);
    this.outbox = new Outbox(dataDir);
    this.publisher = new EventPublisher(nc, jetstream(nc), this.outbox, eventSubject(cluster, server), log);
  }

  /** Whether anything was ever observed of this server (its stream has begun). */
  get begun(): boolean {
    return this.outbox.nextSeq() > 1;
  }

  /** Appends one observation's events, at Kea's time `at`, linked to `causationId` when one caused it. */
  record(events: readonly HaEvent[], at: number, causationId?: string): void {
    if (events.length === 0) return;
    const ids = events.map(() => randomUUID());
    const cause = causationId ?? ids[0];
    const first = this.outbox.nextSeq();
    this.outbox.append(
      events.map((event, index) =>
        toEnvelope(event, {
          id: ids[index],
          stream: this.stream,
          seq: first + index,
          at: new Date(at).toISOString(),
          causationId: cause,
        }),
      ),
    );
    this.publisher.kick();
  }

  /** Resolves once everything recorded is acknowledged by JetStream. */
  idle(): Promise<void> {
    return this.publisher.idle();
  }

  kick(): void {
    this.publisher.kick();
  }

  stop(): void {
    this.publisher.stop();
  }
}
