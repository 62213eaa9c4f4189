import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { CoordinatorModule } from './app.module';
import type { CoordinatorSettings } from './config/coordinator-config';
import { loadCoordinatorSettings } from './config/coordinator-config';
import { coordinatorLogger } from './logger';

async function main(): Promise<void> {
  let settings: CoordinatorSettings;
  try {
    settings = loadCoordinatorSettings(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`haco coordinator: ${(error as Error).message}\n`);
    process.exit(2);
  }
  mkdirSync(dirname(settings.database.path), { recursive: true });
  const app = await NestFactory.create(CoordinatorModule.register(settings), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(settings.http.port, settings.http.host);
  coordinatorLogger.info('coordinator started', {
    http: await app.getUrl(),
    database: settings.database.path,
    nats: settings.nats.servers,
  });
}

void main();
