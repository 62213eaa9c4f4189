import 'reflect-metadata';
import type { Server } from 'node:http';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NatsConnection } from '@nats-io/transport-node';
import express from 'express';
import { readFileSync } from 'node:fs';
import {
  fromPino,
  NestJsonLogger,
  notifyReady,
  pinoLogger,
  readSecretFile,
  readTokenEntries,
} from '@haco/common';
import { JetStreamIngestServer } from '@haco/nats';
import { CoordinatorModule } from './app.module';
import { jsonBody } from './common/json-body';
import { NATS_CONNECTION } from './common/tokens';
import { SETTINGS } from './config/settings.token';
import type { CoordinatorSettings } from './config/coordinator-config';
import { readCoordinatorSettings } from './config/coordinator-config';
import { ConfigModule } from './config/config.module';
import { describeDatabase } from './config/database-settings';
import { serveApiDocument } from './monitoring/api-document';
import { RefusalsMiddleware } from './monitoring/refusals.middleware';
import { Authenticator } from './auth/authenticator';
import { coordinatorChanges } from './config/settings-reload';
import type pino from 'pino';

const HTTP_KEEP_ALIVE_MS = 65_000;

/** HTTPS when the settings give a certificate and key: the key must be its owner's alone. */
function httpsOptions(settings: CoordinatorSettings): { httpsOptions?: { cert: string; key: string } } {
  const tls = settings.http.tls;
  if (tls === undefined) return {};
  return {
    httpsOptions: {
      cert: readFileSync(tls.certFile, 'utf8'),
      key: readSecretFile(tls.keyFile, "the API's TLS key file"),
    },
  };
}

/**
 * `--check [--config FILE]`: the settings (file and environment) and the files they name validated as at
 * boot, nothing started.
 */
function checkSettings(argv: readonly string[]): number {
  try {
    const settings = readCoordinatorSettings(argv, process.env);
    if (settings.auth.tokensFile !== undefined) readTokenEntries(settings.auth.tokensFile);
    httpsOptions(settings);
    process.stdout.write('coordinator configuration OK\n');
    return 0;
  } catch (error) {
    process.stderr.write(`haco coordinator: ${(error as Error).message}\n`);
    return 2;
  }
}

/**
 * SIGHUP: the tokens file is read again and the log level taken from the settings read again (file and
 * environment); every other changed section is named as not reloaded, for a restart to take.
 */
function reload(authenticator: Authenticator, running: CoordinatorSettings, root: pino.Logger): void {
  const log = fromPino(root);
  let read: CoordinatorSettings;
  try {
    read = readCoordinatorSettings(process.argv.slice(2), process.env);
  } catch (error) {
    log.error('reload refused: the settings do not validate; running on as before', {
      error: (error as Error).message,
    });
    return;
  }
  const changes = coordinatorChanges(running, read);
  const reloaded = authenticator.reloadTokens() ? ['tokens file'] : [];
  if (changes.logLevel !== null) {
    root.level = changes.logLevel;
    reloaded.push('logLevel');
  }
  log.info('reloaded', { reloaded, notReloaded: changes.notReloaded });
  if (changes.notReloaded.length > 0) {
    log.warn('some changes need a restart', { notReloaded: changes.notReloaded });
  }
}

/**
 * A hybrid Nest app: the HTTP API, and the JetStream ingest as a microservice transport whose handler is
 * an @EventPattern, on the same NATS connection as the ClientProxy that carries commands to peers.
 */
async function main(): Promise<void> {
  const startSettings = (() => {
    try {
      return readCoordinatorSettings(process.argv.slice(2), process.env);
    } catch {
      return null; // refused below, by the config module, with its own words
    }
  })();
  const root = pinoLogger({ service: 'coordinator' }, startSettings?.logLevel ?? undefined);
  const log = fromPino(root);
  if (process.argv.includes('--check')) process.exit(checkSettings(process.argv.slice(2)));
  let config: DynamicModule;
  try {
    config = await ConfigModule.register(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`haco coordinator: ${(error as Error).message}\n`);
    process.exit(2);
  }
  let app: Awaited<ReturnType<typeof NestFactory.create>>;
  try {
    app = await NestFactory.create(CoordinatorModule.register(config, root), {
      logger: new NestJsonLogger(log),
      bodyParser: false,
      abortOnError: false,
      ...httpsOptions(readCoordinatorSettings(process.argv.slice(2), process.env)),
    });
  } catch (error) {
    // A file the settings name that cannot be used (a tokens file others can read, a key that does not
    // read) stops the coordinator at boot with one line, as a refused setting does.
    process.stderr.write(`haco coordinator: ${(error as Error).message}\n`);
    process.exit(2);
  }
  // Given again once created, as the peer does: every line of the log stays JSON.
  app.useLogger(new NestJsonLogger(log));
  // Counted before the body parser: a body refused as too large or malformed never reaches a route.
  const refusals = app.get(RefusalsMiddleware);
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) =>
    refusals.use(req, res, next),
  );
  app.use(jsonBody('1mb'));
  // Not SIGHUP, which Nest would take as a stop too: it asks for a reload.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  serveApiDocument(app);
  const settings = app.get<CoordinatorSettings>(SETTINGS);
  process.on('SIGHUP', () => reload(app.get(Authenticator), settings, root));
  const nc = app.get<NatsConnection>(NATS_CONNECTION);
  app.connectMicroservice(
    {
      strategy: new JetStreamIngestServer(nc, {
        replicas: settings.nats.eventsReplicas,
        maxBytes: settings.nats.eventsMaxBytes,
        log,
      }),
    },
    { inheritAppConfig: true },
  );
  await app.startAllMicroservices();
  // Monitoring systems scrape every 15-60 s over pooled connections, often behind a proxy with a 60 s idle
  // timeout: an idle connection is kept longer than that (Node's 5 s closed it under clients that were
  // about to reuse it). Headers must still arrive within the keep-alive, as Node requires.
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = HTTP_KEEP_ALIVE_MS;
  server.headersTimeout = HTTP_KEEP_ALIVE_MS + 1_000;
  await app.listen(settings.http.port, settings.http.host);
  log.info('coordinator started', {
    http: await app.getUrl(),
    database: describeDatabase(settings.database),
    nats: settings.nats.servers,
  });
  notifyReady(`serving on ${await app.getUrl()}`);
}

void main();
