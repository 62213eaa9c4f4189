import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { IngestModule } from '../ingest/ingest.module';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { FleetMetrics } from './fleet-metrics';
import { JetStreamBacklog } from './jetstream-backlog';
import { RefusalsMiddleware } from './refusals.middleware';

/** What monitoring systems read: Prometheus metrics, health, the API document; refusals counted. */
@Module({
  imports: [IngestModule, TerminusModule.forRoot({ errorLogStyle: 'json' })],
  controllers: [MetricsController, HealthController],
  providers: [FleetMetrics, JetStreamBacklog, RefusalsMiddleware],
  exports: [RefusalsMiddleware],
})
export class MonitoringModule {}
