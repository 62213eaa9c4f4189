import { randomBytes } from 'node:crypto';
import { hashToken, readTokenEntries, writeTokenEntries } from '@haco/common';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { freePort, portOpen } from '../../tools/harness/processes';

/**
 * The NATS port of the main job, the same across its restarts (kept in `file`) while it is free, so that
 * a peer started again by hand with its config file finds NATS where it was.
 */
export async function stablePort(file: string): Promise<number> {
  const kept = existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : NaN;
  const port = Number.isInteger(kept) && kept > 0 && !(await portOpen(kept)) ? kept : await freePort();
  writeFileSync(file, `${port}\n`);
  return port;
}

/**
 * The main job's admin token: HACO_API_TOKEN when set, else the one kept in `tokenFile` (made once, 32
 * random bytes, readable by its owner only). The coordinator never sees it: `tokensFile` (0600) lists it
 * by its SHA-256 under `name` with the admin role, beside any tokens added since (`bin/haco token add`).
 */
export function adminToken(options: {
  readonly tokenFile: string;
  readonly tokensFile: string;
  readonly name: string;
  readonly given: string | undefined;
}): void {
  let token = options.given !== undefined && options.given.length > 0 ? options.given : '';
  if (token === '' && existsSync(options.tokenFile)) token = readFileSync(options.tokenFile, 'utf8').trim();
  if (token === '') token = randomBytes(32).toString('hex');
  writeFileSync(options.tokenFile, `${token}\n`, { mode: 0o600 });
  chmodSync(options.tokenFile, 0o600);
  const others = existsSync(options.tokensFile)
    ? readTokenEntries(options.tokensFile).filter((entry) => entry.name !== options.name)
    : [];
  writeTokenEntries(options.tokensFile, [
    { name: options.name, role: 'admin', sha256: hashToken(token) },
    ...others,
  ]);
}
