import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { fromPino, NestJsonLogger, notifyReady, pinoLogger } from '@haco/common';
import type { WatchSettings } from './config/watch-config';
import { readWatchSettings } from './config/watch-config';
import { KeaWatchModule } from './kea-watch.module';

const USAGE = 'usage: kea-watch [--check] --config FILE';

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
  // --check: validated as at boot, nothing started.
  if (argv.includes('--check')) {
    process.stdout.write(`${file}: configuration OK\n`);
    return;
  }
  const app = await NestFactory.createApplicationContext(KeaWatchModule.register(settings, log), {
    logger: new NestJsonLogger(log),
  });
  // Not SIGHUP, which Nest would take as a stop too: it asks for a reload.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  notifyReady(`watching ${settings.servers.length} Kea server(s)`);
  // Nothing in the watcher's file can change while it runs: a reload says so rather than half-applying.
  process.on('SIGHUP', () =>
    log.warn('SIGHUP: nothing reloaded; the watcher takes a changed file on restart', { file }),
  );
}

void main(process.argv.slice(2));
