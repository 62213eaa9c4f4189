import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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

/** The API token: HACO_API_TOKEN when set, else the one kept in `file` (made once, readable by its owner only). */
export function apiToken(file: string, given: string | undefined): string {
  if (given !== undefined && given.length > 0) return given;
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length > 0) return kept;
  }
  const token = randomBytes(16).toString('hex');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}
