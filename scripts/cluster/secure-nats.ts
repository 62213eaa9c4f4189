import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NatsServerTls, NatsUser } from '@haco/nats';
import { natsServerConfig, natsUser } from '@haco/nats';

export interface SecureNats {
  /** nats-server's configuration file (0600): users by public nkey, each with its permissions. */
  readonly configFile: string;
  /** Each process's nkey seed file (0600), by process name. */
  readonly seedFiles: ReadonlyMap<string, string>;
}

/**
 * The main job's NATS, secure by default: a user per process with an nkey (the seeds kept in
 * `dir`, 0700, across runs) and least-privilege subject permissions; the peers of `cluster` each call
 * the others as HA partners. No anonymous client connects.
 */
export function secureNats(options: {
  readonly dir: string;
  readonly cluster: string;
  readonly peers: readonly string[];
  readonly port: number;
  readonly storeDir: string;
  readonly tls?: NatsServerTls;
}): SecureNats {
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  chmodSync(options.dir, 0o700);
  const users: NatsUser[] = [
    natsUser(options.dir, 'coordinator', { kind: 'coordinator' }),
    ...options.peers.map((peer) =>
      natsUser(options.dir, peer, {
        kind: 'peer',
        cluster: options.cluster,
        peer,
        partners: options.peers.filter((other) => other !== peer),
      }),
    ),
  ];
  const configFile = join(options.dir, 'nats-server.conf');
  writeFileSync(
    configFile,
    natsServerConfig({
      host: '127.0.0.1',
      port: options.port,
      storeDir: options.storeDir,
      users,
      tls: options.tls,
    }),
    { mode: 0o600 },
  );
  chmodSync(configFile, 0o600);
  return { configFile, seedFiles: new Map(users.map((user) => [user.name, user.seedFile])) };
}
