import type { DynamicModule } from '@nestjs/common';
import { Module } from '@nestjs/common';
import type { ClientProxy } from '@nestjs/microservices';
import { ClientsModule } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import type { Logger } from '@haco/common';
import { LogThreshold } from '@haco/common';
import { commandSubject, eventSubject, partnerSubject, peerInboxPrefix } from '@haco/contracts';
import type { EventsStreamOptions } from '@haco/nats';
import { natsConnectionOptions } from '@haco/nats';
import type { PeerSettings } from './config/peer-config';
import { ControlChannel } from './control/control-channel';
import { controlChannelController } from './control/control-channel.controller';
import { keaClientOptions } from '@haco/nats';
import { ClientQueries } from './dhcp/client-queries';
import { CommandAnswers } from './control/command-answers';
import { DhcpReenableTimer } from './effects/dhcp-reenable-timer';
import { HeartbeatLoop } from './effects/heartbeat-loop';
import { KeaLogWriter } from './effects/kea-log-writer';
import { LeaseBacklog } from './partner/lease-backlog';
import { PartnerCallLoop } from './effects/partner-call-loop';
import { EventPublisher } from '@haco/nats';
import { Outbox } from '@haco/nats';
import type { LeaseStore } from './leases/lease-store';
import { MemoryLeaseStore } from './leases/lease-store';
import { SqliteLeaseStore } from './leases/sqlite-lease-store';
import { CallPerformer } from './partner/call-performer';
import { PartnerClient } from './partner/partner-client';
import { KeaHttpClient } from './partner/kea-http-client';
import { KeaHttpListener } from './control/kea-http.listener';
import { systemClock } from './ports/clock';
import { CommunicationMonitor } from './runtime/communication-monitor';
import { randomIds } from './ports/ids';
import { MachineRunner } from './runtime/machine-runner';
import { EventsStreamKeeper } from './lifecycle/events-stream-keeper';
import { NatsStatusWatcher } from './lifecycle/nats-status';
import { PeerLifecycle } from './lifecycle/peer-lifecycle';
import { PresenceBeacon } from './lifecycle/presence-beacon';
import { firstConnection } from './lifecycle/nats-first-connect';
import { HookRunner } from './hooks/hook-runner';
import { ResendResponder } from './lifecycle/resend-responder';
import {
  CLOCK,
  EVENTS_STREAM_OPTIONS,
  IDS,
  LEASE_STORE,
  LOGGER,
  NATS_CONNECTION,
  PARTNER_PROXY,
} from './ports/tokens';

export interface PeerModuleOptions {
  /** The events stream to create when there is none (its copies and its bound). */
  readonly eventsStream: EventsStreamOptions;
  /** The level the peer's log writes at, changed by a reload (SIGHUP). */
  readonly threshold: LogThreshold;
}

/** One HA peer: its control channel, its state machine runner and the parts that act on its decisions. */
@Module({})
export class PeerModule {
  static register(
    config: { readonly module: DynamicModule; readonly settings: PeerSettings },
    log: Logger,
    options: PeerModuleOptions,
  ): DynamicModule {
    const { settings } = config;
    const name = `haco-peer-${settings.cluster}-${settings.ha.thisServerName}`;
    return {
      module: PeerModule,
      imports: [
        config.module,
        ClientsModule.register([
          {
            name: PARTNER_PROXY,
            ...keaClientOptions(
              natsConnectionOptions(
                settings.nats,
                name,
                peerInboxPrefix(settings.cluster, settings.ha.thisServerName),
                { pingInterval: 2_000, maxPingOut: 2 },
              ),
            ),
          },
        ]),
      ],
      controllers: [
        controlChannelController({
          command: commandSubject(settings.cluster, settings.ha.thisServerName),
          partner: partnerSubject(settings.cluster, settings.ha.thisServerName),
        }),
      ],
      providers: [
        { provide: EVENTS_STREAM_OPTIONS, useValue: options.eventsStream },
        { provide: LOGGER, useValue: log },
        { provide: LogThreshold, useValue: options.threshold },
        { provide: CLOCK, useValue: systemClock },
        { provide: IDS, useValue: randomIds },
        {
          // The partner client's connection also carries the peer's events: one connection out per peer.
          provide: NATS_CONNECTION,
          useFactory: (proxy: ClientProxy) =>
            firstConnection(proxy.connect() as Promise<NatsConnection>, settings.nats.servers, log),
          inject: [PARTNER_PROXY],
        },
        {
          provide: LEASE_STORE,
          useFactory: (): LeaseStore =>
            settings.leases.store === 'sqlite'
              ? new SqliteLeaseStore(settings.leases.path)
              : new MemoryLeaseStore(),
        },
        {
          provide: Outbox,
          useFactory: () => new Outbox(settings.dataDir, { archive: settings.outboxArchive }),
        },
        {
          provide: EventPublisher,
          useFactory: (nc: NatsConnection, outbox: Outbox) =>
            new EventPublisher(
              nc,
              jetstream(nc),
              outbox,
              eventSubject(settings.cluster, settings.ha.thisServerName),
              log,
            ),
          inject: [NATS_CONNECTION, Outbox],
        },
        MachineRunner,
        CommunicationMonitor,
        PartnerClient,
        KeaHttpClient,
        KeaHttpListener,
        LeaseBacklog,
        CallPerformer,
        CommandAnswers,
        KeaLogWriter,
        HeartbeatLoop,
        PartnerCallLoop,
        DhcpReenableTimer,
        ClientQueries,
        ControlChannel,
        EventsStreamKeeper,
        NatsStatusWatcher,
        PeerLifecycle,
        PresenceBeacon,
        HookRunner,
        ResendResponder,
      ],
    };
  }
}
