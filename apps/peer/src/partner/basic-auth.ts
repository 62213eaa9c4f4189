import type { PeerConfig } from '@haco/ha-core';
import { readSecretFile } from '@haco/common';

/** The `Authorization` header for a peer entry's basic-auth-user and password (or password file), or null. */
export function basicAuthHeader(peer: PeerConfig): string | null {
  const auth = peer.basicAuth;
  if (auth === undefined) return null;
  const password =
    auth.password ??
    (auth.passwordFile === undefined
      ? ''
      : readSecretFile(auth.passwordFile, 'the basic-auth password file'));
  return `Basic ${Buffer.from(`${auth.user}:${password}`).toString('base64')}`;
}
