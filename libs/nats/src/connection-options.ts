import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from '@nats-io/transport-node';
import { credsAuthenticator } from '@nats-io/transport-node';

/** How a haco process reaches NATS: servers and one of user/pass, token or a creds file. */
export interface NatsSettings {
  readonly servers: readonly string[];
  readonly user?: string;
  readonly pass?: string;
  readonly token?: string;
  readonly credentials?: string;
}

/**
 * Connection options every haco process shares: reconnect forever, quickly (a peer must see its partner
 * again within a heartbeat), and wait for the first connection instead of failing at boot.
 */
export function natsConnectionOptions(
  settings: NatsSettings,
  name: string,
  extra: Partial<ConnectionOptions> = {},
): ConnectionOptions {
  return {
    servers: [...settings.servers],
    name,
    user: settings.user,
    pass: settings.pass,
    token: settings.token,
    authenticator: settings.credentials ? credsAuthenticator(readFileSync(settings.credentials)) : undefined,
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
    ...extra,
  };
}
