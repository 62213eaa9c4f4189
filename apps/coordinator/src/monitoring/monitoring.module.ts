import { Module } from '@nestjs/common';
import { IngestModule } from '../ingest/ingest.module';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';
import { OpenApiController } from './openapi.controller';
import { RefusalCounter } from './refusal-counter';
import { RefusalsMiddleware } from './refusals.middleware';

/** What monitoring systems read: Prometheus metrics, health, the API document; refusals counted. */
@Module({
  imports: [IngestModule],
  controllers: [MetricsController, HealthController, OpenApiController],
  providers: [RefusalCounter, RefusalsMiddleware],
  exports: [RefusalCounter, RefusalsMiddleware],
})
export class MonitoringModule {}
