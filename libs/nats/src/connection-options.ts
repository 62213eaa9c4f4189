import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from '@nats-io/transport-node';
import { credsAuthenticator, nkeyAuthenticator } from '@nats-io/transport-node';
import { readSecretFile } from '@haco/common';

/** TLS to NATS: the CA that signed the server's certificate, and a client certificate when it asks for one. */
export interface NatsTlsSettings {
  readonly caFile: string;
  readonly certFile?: string;
  readonly keyFile?: string;
}

/** How a haco process reaches NATS: servers, one of user/pass, token, creds or nkey seed file, and TLS. */
export interface NatsSettings {
  readonly servers: readonly string[];
  readonly user?: string;
  readonly pass?: string;
  readonly token?: string;
  readonly credentials?: string;
  /** A file holding this process's nkey seed (0600): the main job's way in. */
  readonly nkeyFile?: string;
  readonly tls?: NatsTlsSettings;
}

/**
 * Connection options every haco process shares: reconnect forever, quickly (a peer must see its partner
 * again within a heartbeat), and wait for the first connection instead of failing at boot. `inboxPrefix`
 * is where this process's replies come back: NATS permissions let only this process read below it.
 */
export function natsConnectionOptions(
  settings: NatsSettings,
  name: string,
  inboxPrefix: string,
  extra: Partial<ConnectionOptions> = {},
): ConnectionOptions {
  return {
    servers: [...settings.servers],
    name,
    user: settings.user,
    pass: settings.pass,
    token: settings.token,
    authenticator: authenticator(settings),
    tls: settings.tls === undefined ? undefined : tlsOptions(settings.tls),
    inboxPrefix,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
    ...extra,
  };
}

function authenticator(settings: NatsSettings): ConnectionOptions['authenticator'] {
  if (settings.nkeyFile !== undefined) {
    const seed = new TextEncoder().encode(readSecretFile(settings.nkeyFile, 'the NATS nkey seed file'));
    return nkeyAuthenticator(seed);
  }
  if (settings.credentials !== undefined) {
    return credsAuthenticator(
      new TextEncoder().encode(readSecretFile(settings.credentials, 'the NATS creds file')),
    );
  }
  return undefined;
}

function tlsOptions(tls: NatsTlsSettings): NonNullable<ConnectionOptions['tls']> {
  return {
    ca: readFileSync(tls.caFile, 'utf8'),
    ...(tls.certFile === undefined ? {} : { cert: readFileSync(tls.certFile, 'utf8') }),
    ...(tls.keyFile === undefined ? {} : { key: readSecretFile(tls.keyFile, 'the NATS TLS key file') }),
  };
}
