import { join } from 'node:path';
import type { DynamicModule, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable, Module } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { connect } from '@nats-io/transport-node';
import type { Logger } from '@haco/common';
import { watcherInboxPrefix } from '@haco/contracts';
import { natsConnectionOptions } from '@haco/nats';
import type { WatchSettings } from './config/watch-config';
import { KeaControlClient } from './kea/kea-control-client';
import { CommandForwarder } from './watch/command-forwarder';
import { ObservationLog } from './watch/observation-log';
import { ServerWatcher } from './watch/server-watcher';

export const WATCH_SETTINGS = Symbol('WatchSettings');
export const LOGGER = Symbol('Logger');
export const NATS_CONNECTION = Symbol('NatsConnection');

/** Starts a watcher for every configured server, and stops them (their last observations published). */
@Injectable()
export class WatchLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly watchers: { watcher: ServerWatcher; observations: ObservationLog }[] = [];
  private readonly forwarder: CommandForwarder;

  constructor(
    @Inject(WATCH_SETTINGS) private readonly settings: WatchSettings,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(LOGGER) private readonly log: Logger,
  ) {
    this.forwarder = new CommandForwarder(nc, settings.cluster, log);
  }

  onApplicationBootstrap(): void {
    const observedBy = `kea-watch/${this.settings.cluster}`;
    for (const server of this.settings.servers) {
      const dir = join(this.settings.dataDir, server.name);
      const client = new KeaControlClient(server.control);
      const observations = new ObservationLog(dir, this.settings.cluster, server.name, this.nc, this.log);
      const watcher = new ServerWatcher(
        this.settings.cluster,
        server,
        dir,
        client,
        observations,
        this.nc,
        this.log,
        observedBy,
        Date.now,
      );
      this.forwarder.serve(watcher, client);
      watcher.start();
      this.watchers.push({ watcher, observations });
    }
    this.log.info('kea-watch started', {
      cluster: this.settings.cluster,
      servers: this.settings.servers.map((s) => s.name),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.forwarder.stop();
    for (const { watcher } of this.watchers) watcher.stop();
    await Promise.race([
      Promise.all(this.watchers.map(({ observations }) => observations.idle())),
      new Promise((resolve) => setTimeout(resolve, 3_000)),
    ]);
    for (const { observations } of this.watchers) observations.stop();
    await this.nc.drain().catch(() => undefined);
  }
}

/** The watcher: one NATS connection, and a ServerWatcher per configured Kea server. */
@Module({})
export class KeaWatchModule {
  static register(settings: WatchSettings, log: Logger): DynamicModule {
    return {
      module: KeaWatchModule,
      providers: [
        { provide: WATCH_SETTINGS, useValue: settings },
        { provide: LOGGER, useValue: log },
        {
          provide: NATS_CONNECTION,
          useFactory: () =>
            connect(
              natsConnectionOptions(
                settings.nats,
                `haco-kea-watch-${settings.cluster}`,
                watcherInboxPrefix(settings.cluster),
              ),
            ),
        },
        WatchLifecycle,
      ],
    };
  }
}
