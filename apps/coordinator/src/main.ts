import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname } from 'node:path';
import { NestFactory } from '@nestjs/core';
import express from 'express';
import { CoordinatorModule } from './app.module';
import type { CoordinatorSettings } from './config/coordinator-config';
import { loadCoordinatorSettings } from './config/coordinator-config';
import { recordRefusals } from './http/refusals';
import { coordinatorLogger } from './logger';

const HTTP_KEEP_ALIVE_MS = 65_000;

async function main(): Promise<void> {
  let settings: CoordinatorSettings;
  try {
    settings = loadCoordinatorSettings(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`haco coordinator: ${(error as Error).message}\n`);
    process.exit(2);
  }
  mkdirSync(dirname(settings.database.path), { recursive: true });
  const app = await NestFactory.create(CoordinatorModule.register(settings), {
    logger: ['error', 'warn'],
    bodyParser: false,
  });
  app.use(recordRefusals);
  app.use(express.json({ limit: '1mb' }));
  // Malformed JSON is answered in Kea's shape, not the framework's.
  app.use(
    (
      error: Error & { status?: number; type?: string },
      _req: unknown,
      res: express.Response,
      next: express.NextFunction,
    ) => {
      if (error.type === 'entity.parse.failed' || error.type === 'entity.too.large') {
        res.status(error.status ?? 400).json({ result: 1, text: `invalid request body: ${error.message}` });
        return;
      }
      next(error);
    },
  );
  app.enableShutdownHooks();
  // Monitoring systems scrape every 15-60 s over pooled connections, often behind a proxy with a 60 s idle
  // timeout: an idle connection is kept longer than that (Node's 5 s closed it under clients that were
  // about to reuse it). Headers must still arrive within the keep-alive, as Node requires.
  const server = app.getHttpServer() as Server;
  server.keepAliveTimeout = HTTP_KEEP_ALIVE_MS;
  server.headersTimeout = HTTP_KEEP_ALIVE_MS + 1_000;
  await app.listen(settings.http.port, settings.http.host);
  coordinatorLogger.info('coordinator started', {
    http: await app.getUrl(),
    database: settings.database.path,
    nats: settings.nats.servers,
  });
}

void main();
