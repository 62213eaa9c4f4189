import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import type { HealthCheckResult } from '@nestjs/terminus';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/transport-node';
import type { EventStore } from '@haco/event-store';
import { FleetView } from '../store/fleet-view';
import { Access } from '../auth/access.decorator';
import { ReportException } from '../common/report.exception';
import { EVENT_STORE, NATS_CONNECTION } from '../common/tokens';
import { splitBrains } from '../store/split-brain-watch';
import { ApiOkResponse, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import { FleetResponse, LiveResponse, ReadyResponse } from '../common/responses';

/** A check that takes longer than this is down: a disconnected client would wait for its reconnect. */
const CHECK_TIMEOUT_MS = 1_000;

/**
 * Liveness and readiness for orchestrators, through @nestjs/terminus. Readiness is NATS answering a round
 * trip and the database writable; a paused peer is an operator's choice, not a failure, and never makes
 * the coordinator unhealthy. The body is terminus's, plus `checks` (each check as true or false).
 */
@Controller('health')
@Access('public')
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(FleetView) private readonly fleetView: FleetView,
  ) {}

  @ApiOkResponse({ standardSchema: LiveResponse })
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @ApiOkResponse({ standardSchema: ReadyResponse })
  @ApiServiceUnavailableResponse({ standardSchema: ReadyResponse })
  @Get('ready')
  async ready() {
    try {
      return withChecks(await this.health.check([() => this.nats(), () => this.database()]));
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        throw new ReportException(withChecks(error.getResponse() as HealthCheckResult), 503);
      }
      throw error;
    }
  }

  /**
   * The fleet as the log tells it: which peers are unreachable or stopped. About the peers, not the
   * coordinator: always 200, so that an orchestrator never restarts the coordinator for a dead peer.
   */
  @Get('fleet')
  @ApiOkResponse({ standardSchema: FleetResponse })
  async fleet() {
    const peers = await this.fleetView.peers();
    const listed = (status: string) =>
      peers
        .filter((p) => p.status === status)
        .map((p) => ({ cluster: p.cluster, peer: p.peer, state: p.state, since: p.statusSince }));
    const unreachable = listed('unreachable');
    const stopped = listed('stopped');
    // Not judged yet (this coordinator just started, or lost NATS): listed, and not called degraded.
    const unknown = listed('unknown');
    const disputed = peers.flatMap((p) =>
      p.disputed === null ? [] : [{ cluster: p.cluster, peer: p.peer, ...p.disputed }],
    );
    // Both servers of a pair serving the same scopes, both alive: raised at once, whatever else holds.
    const split = [...splitBrains(peers).values()].map(({ cluster, peers: pair, scopes, since }) => ({
      cluster,
      peers: [...pair],
      scopes: [...scopes],
      since,
    }));
    const problems = unreachable.length + stopped.length + disputed.length + split.length;
    return {
      status: problems === 0 ? 'ok' : 'degraded',
      peers: peers.length,
      unreachable,
      stopped,
      disputed,
      splitBrains: split,
      unknown,
    };
  }

  private nats() {
    return this.indicators
      .check('nats')
      .attempt(async () => {
        if (this.nc.isClosed() || this.nc.isDraining()) throw new Error('the connection is closed');
        await this.nc.flush();
      })
      .withTimeout(CHECK_TIMEOUT_MS);
  }

  private database() {
    return this.indicators
      .check('database')
      .attempt(async () => {
        if (!(await this.store.writable())) throw new Error('the database is not writable');
      })
      .withTimeout(CHECK_TIMEOUT_MS);
  }
}

function withChecks(result: HealthCheckResult) {
  const up = (name: string) => result.details[name]?.status === 'up';
  return { ...result, checks: { nats: up('nats'), database: up('database') } };
}
