import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { EVENTS_STREAM } from '@haco/contracts';
import { INGEST_CONSUMER } from '@haco/nats';
import { NATS_CONNECTION } from '../common/tokens';

/** How often the backlog is asked for, and how long one answer may take. */
const POLL_MS = 2_000;
const ANSWER_MS = 1_000;
/** A figure older than this is stale: NATS has not answered for a while. */
export const BACKLOG_STALE_MS = 10_000;

/** The ingest's JetStream backlog as last measured, and when. */
export interface Backlog {
  readonly pending: number;
  readonly measuredAt: number;
}

/**
 * The events waiting in JetStream for the ingest, measured in the background: a scrape reads the last
 * figure and never waits on NATS, so /metrics answers at once exactly when NATS hangs, and says how old
 * the figure is instead of inventing one.
 */
@Injectable()
export class JetStreamBacklog implements OnApplicationBootstrap, OnApplicationShutdown {
  private last: Backlog | null = null;
  private timer: NodeJS.Timeout | null = null;
  private measuring = false;

  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  get current(): Backlog | null {
    return this.last;
  }

  onApplicationBootstrap(): void {
    void this.measure();
    this.timer = setInterval(() => void this.measure(), POLL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer !== null) clearInterval(this.timer);
  }

  private async measure(): Promise<void> {
    if (this.measuring || this.nc.isClosed()) return;
    this.measuring = true;
    try {
      const jsm = await jetstreamManager(this.nc, { timeout: ANSWER_MS, checkAPI: false });
      const info = await jsm.consumers.info(EVENTS_STREAM, INGEST_CONSUMER);
      this.last = { pending: info.num_pending + info.num_ack_pending, measuredAt: Date.now() };
    } catch {
      // Not answered: the last figure stays, growing older (and stale past BACKLOG_STALE_MS).
    } finally {
      this.measuring = false;
    }
  }
}
