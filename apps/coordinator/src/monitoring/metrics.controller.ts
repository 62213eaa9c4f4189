import { Controller, Get, Header, Inject } from '@nestjs/common';
import { FleetMetrics } from './fleet-metrics';
import { HacoMetrics } from '../metrics/haco-metrics';
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
    return withoutNaN(await this.metrics.registry.metrics());
  }
}

/**
 * A sample that is not a number is no sample: prom-client's default event-loop metrics print `Nan` (not
 * even Prometheus's `NaN`) when the loop has no delay samples yet, and a monitoring system must never read
 * a value that is not one. Done on the text because prom-client offers no hook for its default metrics.
 */
function withoutNaN(text: string): string {
  return text
    .split('\n')
    .filter((line) => line.startsWith('#') || !/ nan$/i.test(line))
    .join('\n');
}
