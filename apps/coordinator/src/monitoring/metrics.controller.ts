import { Controller, Get, Header, Inject } from '@nestjs/common';
import { FleetMetrics } from './fleet-metrics';
import { HacoMetrics } from './haco-metrics';
import { ApiOkResponse, ApiProduces } from '@nestjs/swagger';

/** Prometheus text exposition of what monitoring systems watch: states, pauses, heartbeats, ingest. */
@Controller()
export class MetricsController {
  constructor(
    @Inject(HacoMetrics) private readonly metrics: HacoMetrics,
    @Inject(FleetMetrics) private readonly fleet: FleetMetrics,
  ) {}

  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition' })
  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    await this.fleet.refresh();
    return this.metrics.registry.metrics();
  }
}
