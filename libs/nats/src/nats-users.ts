import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createUser, fromSeed } from '@nats-io/nkeys';
import type { NatsPermissions, NatsPrincipal } from './permissions';
import { natsPermissions } from './permissions';

/** One NATS user: its name (for files and logs), its public nkey and what it may do. */
export interface NatsUser {
  readonly name: string;
  readonly nkey: string;
  readonly seedFile: string;
  readonly permissions: NatsPermissions;
}

/** TLS of the NATS server: its certificate and key, and the CA clients check it against. */
export interface NatsServerTls {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
}

/**
 * A user per process, each with an nkey: the server's configuration holds only public keys, and each
 * process holds its own seed in a file only its owner may read (NATS's recommended way to authenticate,
 * and no shared password). A seed kept from an earlier run is reused, so a restart changes nothing.
 */
export function natsUser(dir: string, name: string, principal: NatsPrincipal): NatsUser {
  const seedFile = join(dir, `${name}.nk`);
  let seed: Uint8Array;
  if (existsSync(seedFile)) {
    seed = new Uint8Array(readFileSync(seedFile));
    chmodSync(seedFile, 0o600);
  } else {
    seed = createUser().getSeed();
    writeFileSync(seedFile, seed, { mode: 0o600 });
  }
  const nkey = fromSeed(trimmed(seed)).getPublicKey();
  return { name, nkey, seedFile, permissions: natsPermissions(principal) };
}

function trimmed(seed: Uint8Array): Uint8Array {
  return new TextEncoder().encode(new TextDecoder().decode(seed).trim());
}

/**
 * nats-server's configuration: JetStream, loopback only, and an `authorization` block in which every
 * user is an nkey with its permissions. No user means no anonymous access: nats-server refuses a client
 * that presents no key once any user is configured.
 */
export function natsServerConfig(options: {
  readonly host: string;
  readonly port: number;
  readonly storeDir: string;
  readonly users: readonly NatsUser[];
  readonly tls?: NatsServerTls;
  /** The monitoring port (health checks), when one is wanted. */
  readonly httpPort?: number;
}): string {
  const users = options.users.map(
    (user) =>
      `    # ${user.name}\n    { nkey: ${JSON.stringify(user.nkey)}, permissions: ${JSON.stringify(user.permissions)} }`,
  );
  const tls =
    options.tls === undefined
      ? []
      : [
          'tls {',
          `  cert_file: ${JSON.stringify(options.tls.certFile)}`,
          `  key_file: ${JSON.stringify(options.tls.keyFile)}`,
          `  ca_file: ${JSON.stringify(options.tls.caFile)}`,
          '  timeout: 2',
          '}',
        ];
  return [
    '# Written by haco: one nkey user per process, each with only the subjects it needs.',
    `host: ${JSON.stringify(options.host)}`,
    `port: ${options.port}`,
    ...(options.httpPort === undefined ? [] : [`http_port: ${options.httpPort}`]),
    `jetstream { store_dir: ${JSON.stringify(options.storeDir)} }`,
    ...tls,
    'authorization {',
    '  users = [',
    users.join('\n'),
    '  ]',
    '}',
    '',
  ].join('\n');
}

/** What `writeNatsSecurity` wrote: the server's configuration and each process's seed file. */
export interface NatsSecurity {
  /** nats-server's configuration file (0600): users by public nkey, each with its permissions. */
  readonly configFile: string;
  /** Each process's nkey seed file (0600), by process name (`coordinator`, then the peers). */
  readonly seedFiles: ReadonlyMap<string, string>;
}

/**
 * A cluster's NATS, secure by default: a user per process with an nkey (the seeds kept in `dir`, 0700,
 * across runs) and least-privilege subject permissions, one `coordinator` user (its replicas share it)
 * and one per peer, each peer calling the others of its cluster as HA partners. No anonymous client
 * connects. What the main job and `haco nats-config` (compose) write.
 */
export function writeNatsSecurity(options: {
  readonly dir: string;
  readonly cluster: string;
  readonly peers: readonly string[];
  /** Real Kea servers of the cluster a `kea-watch` user follows (none: no such user). */
  readonly watchedServers?: readonly string[];
  readonly host: string;
  readonly port: number;
  readonly storeDir: string;
  readonly httpPort?: number;
  readonly tls?: NatsServerTls;
}): NatsSecurity {
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
  if (options.watchedServers !== undefined && options.watchedServers.length > 0) {
    users.push(
      natsUser(options.dir, 'kea-watch', {
        kind: 'kea-watch',
        cluster: options.cluster,
        servers: options.watchedServers,
      }),
    );
  }
  const configFile = join(options.dir, 'nats-server.conf');
  writeFileSync(configFile, natsServerConfig({ ...options, users }), { mode: 0o600 });
  chmodSync(configFile, 0o600);
  return { configFile, seedFiles: new Map(users.map((user) => [user.name, user.seedFile])) };
}
