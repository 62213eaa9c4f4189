import { createHash, timingSafeEqual } from 'node:crypto';
import type { Role } from '@haco/common';
import { readTokenEntries } from '@haco/common';
import type { Principal } from './roles';

export interface NamedToken {
  readonly name: string;
  readonly role: Role;
  readonly hash: Buffer;
  readonly expiresMs: number | null;
}

/** The tokens of a tokens file, ready to compare (see @haco/common's api-tokens for the file). */
export function readTokenFile(path: string): NamedToken[] {
  return readTokenEntries(path).map((entry) => ({
    name: entry.name,
    role: entry.role,
    hash: Buffer.from(entry.sha256, 'hex'),
    expiresMs: entry.expires === undefined ? null : Date.parse(entry.expires),
  }));
}

/** The token's entry, compared in constant time; `expired` when its time has passed. */
export function matchToken(
  tokens: readonly NamedToken[],
  given: string,
  nowMs: number,
): Principal | 'expired' | null {
  const hash = createHash('sha256').update(given, 'utf8').digest();
  const entry = tokens.find((token) => timingSafeEqual(token.hash, hash));
  if (entry === undefined) return null;
  if (entry.expiresMs !== null && entry.expiresMs <= nowMs) return 'expired';
  return { name: entry.name, role: entry.role, via: 'token' };
}
