import { Global, Module } from '@nestjs/common';
import { HacoMetrics } from './haco-metrics';

/** The one Prometheus registry, for every module that counts something. */
@Global()
@Module({ providers: [HacoMetrics], exports: [HacoMetrics] })
export class MetricsModule {}
