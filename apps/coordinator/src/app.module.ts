import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { Logger } from '@haco/common';
import { AuditModule } from './audit/audit.module';
import { BearerGuard } from './common/bearer.guard';
import { ErrorBodyFilter } from './common/error-body.filter';
import { CommandsModule } from './commands/commands.module';
import { ConfigModule } from './config/config.module';
import type { CoordinatorSettings } from './config/coordinator-config';
import { IngestModule } from './ingest/ingest.module';
import { MonitoringModule } from './monitoring/monitoring.module';
import { NatsModule } from './nats/nats.module';
import { PeersModule } from './peers/peers.module';
import { StoreModule } from './store/store.module';

/** The coordinator: the event log and its readers, operator commands, ingest and monitoring. */
@Module({})
export class CoordinatorModule {
  static register(settings: CoordinatorSettings, log: Logger): DynamicModule {
    return {
      module: CoordinatorModule,
      imports: [
        ConfigModule.register(settings, log),
        StoreModule,
        NatsModule.register(settings),
        IngestModule,
        PeersModule,
        CommandsModule,
        AuditModule,
        MonitoringModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: BearerGuard },
        { provide: APP_FILTER, useClass: ErrorBodyFilter },
      ],
    };
  }
}
