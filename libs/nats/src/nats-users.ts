import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
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
