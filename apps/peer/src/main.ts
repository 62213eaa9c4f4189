import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator } from 'nats';
import type { ConnectionOptions } from 'nats';
import type { PeerSettings } from './config/peer-config';
import { PeerConfigError, readPeerSettings } from './config/peer-config';
import { ensureEventsStream } from '@haco/contracts';
import { MemoryLeaseStore } from './leases/lease-store';
import { SqliteLeaseStore } from './leases/sqlite-lease-store';
import { jsonLogger } from './runtime/logger';
import { Peer } from './runtime/peer';

const USAGE = 'usage: npm run peer -- --config FILE';

/** Reads and validates the whole configuration before anything connects or starts. */
function loadSettings(argv: string[]): PeerSettings {
  const index = argv.indexOf('--config');
  const file = index >= 0 ? argv[index + 1] : undefined;
  if (file === undefined) throw new PeerConfigError(USAGE, '');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PeerConfigError(`cannot read ${file}: ${(error as Error).message}`, '');
  }
  const settings = readPeerSettings(raw);
  if (settings.leases.store === 'sqlite') {
    throw new PeerConfigError(
      'the sqlite lease store is not available in this version; use "memory"',
      'leases.store',
    );
  }
  return settings;
}

function natsOptions(settings: PeerSettings): ConnectionOptions {
  const { nats } = settings;
  return {
    servers: [...nats.servers],
    name: `haco-peer-${settings.cluster}-${settings.ha.thisServerName}`,
    user: nats.user,
    pass: nats.pass,
    token: nats.token,
    authenticator: nats.credentials ? credsAuthenticator(readFileSync(nats.credentials)) : undefined,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
    pingInterval: 2_000,
    maxPingOut: 2,
  };
}

async function main(argv: string[]): Promise<number> {
  let settings: PeerSettings;
  try {
    settings = loadSettings(argv);
  } catch (error) {
    process.stderr.write(`haco peer: ${(error as Error).message}\n`);
    return 2;
  }
  const log = jsonLogger({ cluster: settings.cluster, peer: settings.ha.thisServerName });
  const nc = await connect(natsOptions(settings));
  log.info('connected to NATS', { server: nc.getServer() });
  await ensureEventsStream(nc).catch((error: Error) =>
    log.warn('could not ensure the events stream yet', { error: error.message }),
  );
  const leases =
    settings.leases.store === 'sqlite' ? new SqliteLeaseStore(settings.leases.path) : new MemoryLeaseStore();
  const peer = new Peer(settings, nc, nc.jetstream(), leases, log);
  void (async () => {
    for await (const status of nc.status()) {
      log.info(`nats ${status.type}`, { data: String(status.data) });
      if (status.type === 'disconnect') peer.natsLost();
      if (status.type === 'reconnect') {
        await ensureEventsStream(nc).catch(() => undefined);
        peer.natsRestored();
      }
    }
  })();
  await peer.start();
  log.info('peer started', { state: peer.machine?.state, paused: peer.machine?.paused });
  return new Promise((resolve) => {
    const shutdown = (signal: string) => {
      log.info('stopping', { signal });
      void peer
        .stop()
        .then(() => nc.drain())
        .catch(() => undefined)
        .finally(() => resolve(0));
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  if (code !== 0) process.exit(code);
});
