import type { DynamicModule } from '@nestjs/common';
import { Global, Module } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { ClientsModule } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import { COORDINATOR_INBOX_PREFIX } from '@haco/contracts';
import { natsConnectionOptions } from '@haco/nats';
import type { CoordinatorSettings } from '../config/coordinator-config';
import { keaClientOptions } from '@haco/nats';
import { NATS_CONNECTION, PEER_COMMANDS } from '../common/tokens';
import { SETTINGS } from '../config/settings.token';
import { PresenceTracker } from './presence-tracker';
import { CatchUp } from './catch-up';

/**
 * The coordinator's NATS: a ClientProxy that sends Kea commands to peers in Kea's plain JSON, and its
 * connection, which the JetStream ingest and the health and metrics checks share.
 */
@Global()
@Module({})
export class NatsModule {
  static register(): DynamicModule {
    return {
      module: NatsModule,
      imports: [
        ClientsModule.registerAsync([
          {
            name: PEER_COMMANDS,
            useFactory: (settings: CoordinatorSettings) =>
              keaClientOptions(
                natsConnectionOptions(settings.nats, 'haco-coordinator', COORDINATOR_INBOX_PREFIX),
              ),
            inject: [SETTINGS],
          },
        ]),
      ],
      providers: [
        {
          provide: NATS_CONNECTION,
          useFactory: (proxy: ClientProxy) => proxy.connect() as Promise<NatsConnection>,
          inject: [PEER_COMMANDS],
        },
        PresenceTracker,
        CatchUp,
      ],
      exports: [ClientsModule, NATS_CONNECTION, PresenceTracker],
    };
  }
}
