import { readFileSync } from 'node:fs';
import type { PeerConfig } from '@haco/ha-core';

/** The `Authorization` header for a peer entry's basic-auth-user and password (or password file), or null. */
export function basicAuthHeader(peer: PeerConfig): string | null {
  const auth = peer.basicAuth;
  if (auth === undefined) return null;
  const password =
    auth.password ?? (auth.passwordFile === undefined ? '' : readFileSync(auth.passwordFile, 'utf8').trim());
  return `Basic ${Buffer.from(`${auth.user}:${password}`).toString('base64')}`;
}
