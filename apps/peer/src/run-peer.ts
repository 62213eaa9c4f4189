import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import type { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { jsonLogger, LogThreshold, NestJsonLogger, notifyReady, rateLimitedWarnings } from '@haco/common';
import { peerInboxPrefix, streamId } from '@haco/contracts';
import type { EventsStreamOptions } from '@haco/nats';
import { DEFAULT_EVENTS_MAX_BYTES } from '@haco/nats';
import { PeerConfigError } from './config/peer-config-error';
import { PeerConfigModule } from './config/peer-config.module';
import { keaControlServer } from './control/kea-control.server';
import { PeerModule } from './peer.module';
import { DataDirHeldError, DataDirLock } from './lifecycle/data-dir-lock';
import { PeerLifecycle } from './lifecycle/peer-lifecycle';
import { settingsChanges } from './lifecycle/settings-reload';
import { HookRunner } from './hooks/hook-runner';
import type { PeerSettings } from './config/peer-config';
import { readPeerSettings } from './config/peer-config';

/** The data directories this process holds, for as long as it runs (held here so nothing collects them). */
const HELD: DataDirLock[] = [];

const USAGE = 'usage: npm run peer -- [--check] --config FILE [--config FILE ...]';
/** A stop must end even when NATS is gone and nothing can be flushed: Kea stops at once too. */
const STOP_DEADLINE_MS = 5_000;

type PeerConfig = Awaited<ReturnType<typeof PeerConfigModule.register>>;

function configFiles(argv: string[]): string[] {
  const files = argv.flatMap((arg, index) => (arg === '--config' ? [argv[index + 1]] : []));
  if (files.length === 0 || files.some((file) => file === undefined)) throw new PeerConfigError(USAGE, '');
  return files;
}

function readConfigFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PeerConfigError(`cannot read ${file}: ${(error as Error).message}`, '');
  }
}

/** Reads and validates every configuration (through @nestjs/config) before anything connects or starts. */
async function loadSettings(files: readonly string[]): Promise<PeerConfig[]> {
  const configs: PeerConfig[] = [];
  for (const file of files) {
    try {
      configs.push(await PeerConfigModule.register(readConfigFile(file)));
    } catch (error) {
      if (error instanceof PeerConfigError && files.length > 1) {
        throw new PeerConfigError(`${file}: ${error.message}`, '');
      }
      throw error;
    }
  }
  return configs;
}

/**
 * SIGHUP: each file is read and validated again as at boot. The hooks and the log level are taken at
 * once; any other change is named as not reloaded (it needs a restart); a file that no longer validates
 * is refused whole, and the peer runs on as it was.
 */
function reload(files: readonly string[], running: PeerConfig[], apps: INestMicroservice[]): void {
  files.forEach((file, index) => {
    const app = apps[index];
    if (app === undefined) return;
    // Not the peer's rate-limited logger: every SIGHUP is answered in the log, however often it comes.
    const { settings } = running[index];
    const log = jsonLogger(
      { cluster: settings.cluster, peer: settings.ha.thisServerName },
      app.get(LogThreshold),
    );
    let read: PeerSettings;
    try {
      read = readPeerSettings(readConfigFile(file));
    } catch (error) {
      log.error('reload refused: the file does not validate; running on as before', {
        file,
        error: (error as Error).message,
      });
      return;
    }
    const changes = settingsChanges(running[index].settings, read);
    app.get(HookRunner).reload(read.hooks);
    app.get(LogThreshold).level = read.logLevel ?? process.env.HACO_LOG_LEVEL ?? 'info';
    running[index] = {
      ...running[index],
      settings: { ...running[index].settings, hooks: read.hooks, logLevel: read.logLevel },
    };
    log.info('reloaded', { file, ...changes, hooks: read.hooks.hooks.map((hook) => hook.name) });
    if (changes.notReloaded.length > 0) {
      log.warn('some changes need a restart', { file, notReloaded: changes.notReloaded });
    }
  });
}

/**
 * The events stream a peer creates when there is none (the coordinator may not be up yet): HACO_EVENTS_REPLICAS
 * copies on a NATS cluster (1 to 5), bounded by HACO_EVENTS_MAX_BYTES.
 */
function eventsStream(env: NodeJS.ProcessEnv): EventsStreamOptions {
  const replicas = Number(env.HACO_EVENTS_REPLICAS ?? 1);
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) {
    throw new PeerConfigError(
      `HACO_EVENTS_REPLICAS must be an integer from 1 to 5, not ${env.HACO_EVENTS_REPLICAS}`,
      '',
    );
  }
  const maxBytes = Number(env.HACO_EVENTS_MAX_BYTES ?? DEFAULT_EVENTS_MAX_BYTES);
  if (!Number.isInteger(maxBytes) || maxBytes < 1024 * 1024) {
    throw new PeerConfigError(
      `HACO_EVENTS_MAX_BYTES must be a number of bytes, at least 1 MiB, not ${env.HACO_EVENTS_MAX_BYTES}`,
      '',
    );
  }
  return { replicas, maxBytes };
}

async function startPeer(config: PeerConfig, stream: EventsStreamOptions): Promise<INestMicroservice> {
  const { settings } = config;
  const threshold = new LogThreshold(settings.logLevel ?? undefined);
  const log = rateLimitedWarnings(
    jsonLogger(
      {
        cluster: settings.cluster,
        peer: settings.ha.thisServerName,
        stream: streamId(settings.cluster, settings.ha.thisServerName),
      },
      threshold,
    ),
  );
  const name = `haco-peer-${settings.cluster}-${settings.ha.thisServerName}`;
  const app = await NestFactory.createMicroservice(
    PeerModule.register(config, log, { eventsStream: stream, threshold }),
    {
      strategy: keaControlServer(
        settings.nats,
        name,
        peerInboxPrefix(settings.cluster, settings.ha.thisServerName),
      ),
      logger: new NestJsonLogger(log),
    },
  );
  // Given again once created: the option alone left Nest's console logger in force by the time the
  // microservice listened, and its ANSI-coloured "successfully started" line broke the JSON log.
  app.useLogger(new NestJsonLogger(log));
  await app.listen();
  return app;
}

/**
 * One process runs one peer, or several (`--config` given more than once: the scale bench hosts a hundred
 * pairs that way); each is a Nest microservice of its own, with its own NATS connections.
 */
export async function runPeer(argv: string[]): Promise<number> {
  let files: string[];
  let all: PeerConfig[];
  let stream: EventsStreamOptions;
  try {
    files = configFiles(argv);
    all = await loadSettings(files);
    stream = eventsStream(process.env);
  } catch (error) {
    process.stderr.write(`haco peer: ${(error as Error).message}\n`);
    return 2;
  }
  // --check: validated as at boot, nothing started (as kea-dhcp4 -t does).
  if (argv.includes('--check')) {
    // --check --json: what `haco config check` reviews, the HA relationship as the peer read it.
    const json = argv.includes('--json');
    all.forEach(({ settings }, index) => {
      const line = json
        ? JSON.stringify({ file: files[index], ha: settings.ha, haPath: settings.haPath })
        : `${files[index]}: configuration OK`;
      process.stdout.write(`${line}\n`);
    });
    return 0;
  }
  // Before anything reads a data directory: a second copy of a peer exits here, at once.
  try {
    for (const config of all) HELD.push(DataDirLock.acquire(config.settings.dataDir));
  } catch (error) {
    if (!(error instanceof DataDirHeldError)) throw error;
    process.stderr.write(`haco peer: ${error.message}\n`);
    return 3;
  }
  const log = jsonLogger({ process: 'peer', peers: all.length });
  const apps: INestMicroservice[] = [];
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    setTimeout(() => {
      log.warn('stop deadline passed; exiting', { deadlineMs: STOP_DEADLINE_MS });
      process.exit(0);
    }, STOP_DEADLINE_MS).unref();
    for (const app of apps) app.get(PeerLifecycle).stopReason = signal;
    void Promise.allSettled(apps.map((app) => app.close())).finally(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  process.on('SIGHUP', () => reload(files, all, apps));
  for (const config of all) {
    if (stopping) break;
    apps.push(await startPeer(config, stream));
  }
  if (all.length > 1) log.info('all peers started', { count: apps.length });
  if (!stopping) notifyReady(`${apps.length} peer(s) started`);
  return new Promise(() => undefined);
}

/** A failed start exits at once with its code; a clean one keeps running until a signal stops it. */
export function exitWith(code: number): void {
  process.exitCode = code;
  if (code !== 0) process.exit(code);
}
