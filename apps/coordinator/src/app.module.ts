import type { DynamicModule, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Inject, Injectable, Module } from '@nestjs/common';
import { connect } from 'nats';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { EventStore, openDataSource } from '@haco/event-store';
import { CommandService } from './commands/command-service';
import type { CoordinatorSettings } from './config/coordinator-config';
import { EventIngest } from './ingest/event-ingest';
import { AuditController } from './http/audit.controller';
import { HealthController } from './http/health.controller';
import { KeaController } from './http/kea.controller';
import { LiveController } from './http/live.controller';
import { OpenApiController } from './http/openapi.controller';
import { MetricsController } from './http/metrics.controller';
import { PeersController } from './http/peers.controller';
import { Projections } from './projections/projections';
import { COMMANDS, DATA_SOURCE, EVENT_STORE, INGEST, NATS, PROJECTIONS, SETTINGS } from './tokens';
import { coordinatorLogger } from './logger';

/** Starts the ingest once everything is wired, and closes it, NATS and the database in that order. */
@Injectable()
class Lifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(INGEST) private readonly ingest: EventIngest,
    @Inject(NATS) private readonly nc: NatsConnection,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.ingest.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.ingest.stop();
    await this.nc.drain().catch(() => undefined);
    await this.dataSource.destroy();
  }
}

@Module({})
export class CoordinatorModule {
  static register(settings: CoordinatorSettings): DynamicModule {
    return {
      module: CoordinatorModule,
      controllers: [
        PeersController,
        KeaController,
        HealthController,
        MetricsController,
        LiveController,
        AuditController,
        OpenApiController,
      ],
      providers: [
        { provide: SETTINGS, useValue: settings },
        {
          provide: DATA_SOURCE,
          useFactory: () =>
            openDataSource({ path: settings.database.path, synchronous: settings.database.synchronous }),
        },
        { provide: EVENT_STORE, useFactory: (ds: DataSource) => new EventStore(ds), inject: [DATA_SOURCE] },
        {
          provide: NATS,
          useFactory: () =>
            connect({
              servers: [...settings.nats.servers],
              user: settings.nats.user,
              pass: settings.nats.pass,
              token: settings.nats.token,
              name: 'haco-coordinator',
              reconnect: true,
              maxReconnectAttempts: -1,
              reconnectTimeWait: 250,
              waitOnFirstConnect: true,
            }),
        },
        {
          provide: INGEST,
          useFactory: (nc: NatsConnection, store: EventStore) =>
            new EventIngest(nc, store, coordinatorLogger),
          inject: [NATS, EVENT_STORE],
        },
        {
          provide: PROJECTIONS,
          useFactory: (store: EventStore) => new Projections(store),
          inject: [EVENT_STORE],
        },
        {
          provide: COMMANDS,
          useFactory: (store: EventStore, nc: NatsConnection) => new CommandService(store, nc),
          inject: [EVENT_STORE, NATS],
        },
        Lifecycle,
      ],
    };
  }
}
