import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { fromPino, NestJsonLogger, pinoLogger } from '@haco/common';
import type { WatchSettings } from './config/watch-config';
import { readWatchSettings } from './config/watch-config';
import { KeaWatchModule } from './kea-watch.module';

const USAGE = 'usage: kea-watch --config FILE';

/** `npm run kea-watch -- --config FILE`: follows the configured Kea servers until SIGTERM or SIGINT. */
async function main(argv: string[]): Promise<void> {
  const log = fromPino(pinoLogger({ service: 'kea-watch' }));
  const index = argv.indexOf('--config');
  const file = index >= 0 ? argv[index + 1] : undefined;
  let settings: WatchSettings;
  try {
    if (file === undefined) throw new Error(USAGE);
    settings = readWatchSettings(file);
  } catch (error) {
    process.stderr.write(`kea-watch: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const app = await NestFactory.createApplicationContext(KeaWatchModule.register(settings, log), {
    logger: new NestJsonLogger(log),
  });
  app.enableShutdownHooks();
}

void main(process.argv.slice(2));
