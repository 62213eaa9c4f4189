import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { AuditModule } from './audit/audit.module';
import { AccessGuard } from './auth/access.guard';
import { AuthModule } from './auth/auth.module';
import { ApiErrorBodyFilter } from './common/error-body.filter';
import { BodyRefusalInterceptor } from './common/json-body';
import { schemaValidation } from './common/validation';
import { CommandsModule } from './commands/commands.module';
import { ConsoleModule } from './console/console.module';
import { DisputesModule } from './disputes/disputes.module';
import type pino from 'pino';
import { IngestModule } from './ingest/ingest.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { MonitoringModule } from './monitoring/monitoring.module';
import { NatsModule } from './nats/nats.module';
import { PeersModule } from './peers/peers.module';
import { StoreModule } from './store/store.module';

/** The coordinator: the event log and its readers, operator commands, ingest and monitoring. */
@Module({})
export class CoordinatorModule {
  static register(config: DynamicModule, logger: pino.Logger): DynamicModule {
    return {
      module: CoordinatorModule,
      imports: [
        config,
        LoggingModule.register(logger),
        StoreModule,
        MetricsModule,
        AuthModule,
        NatsModule.register(),
        IngestModule,
        PeersModule,
        CommandsModule,
        AuditModule,
        DisputesModule,
        MonitoringModule,
        ConsoleModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: ApiErrorBodyFilter },
        { provide: APP_INTERCEPTOR, useClass: BodyRefusalInterceptor },
        { provide: APP_PIPE, useFactory: schemaValidation },
      ],
    };
  }
}
