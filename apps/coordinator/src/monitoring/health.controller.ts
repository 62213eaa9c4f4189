import { Controller, Get, HttpException, Inject } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { Access } from '../common/access.decorator';
import type { EventStore } from '@haco/event-store';
import { EVENT_STORE, NATS_CONNECTION } from '../common/tokens';

/**
 * Liveness and readiness for orchestrators. Readiness is NATS connected and the database writable; a
 * paused peer is an operator's choice, not a failure, and never makes the coordinator unhealthy.
 */
@Controller('health')
@Access('public')
export class HealthController {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready() {
    const nats = !this.nc.isClosed() && !this.nc.isDraining() && (await this.natsAnswers());
    const database = await this.store.writable();
    const body = { status: nats && database ? 'ok' : 'unavailable', checks: { nats, database } };
    if (!nats || !database) throw new HttpException(body, 503);
    return body;
  }

  /** A round trip to the server within a second; a disconnected client would wait for the reconnect. */
  private natsAnswers(): Promise<boolean> {
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1_000).unref());
    return Promise.race([
      this.nc.flush().then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  }
}
