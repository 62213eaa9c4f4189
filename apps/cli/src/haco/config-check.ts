import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CliError } from './api-client';

type Kind = 'peer' | 'kea-watch' | 'coordinator';

/**
 * Which process a file configures: the watcher's names `servers`, the coordinator's only its sections
 * (nats, database, http, auth, logLevel), a peer's anything else (its own check then says what is wrong).
 */
function kindOf(file: string): Kind {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return 'peer'; // the peer's own check says what is wrong with it, with its text
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'peer';
  if ('high-availability' in raw || 'Dhcp4' in raw) return 'peer';
  if ('servers' in raw) return 'kea-watch';
  const sections = ['nats', 'database', 'http', 'auth', 'logLevel'];
  const keys = Object.keys(raw);
  return keys.length > 0 && keys.every((key) => sections.includes(key)) && !('cluster' in raw)
    ? 'coordinator'
    : 'peer';
}

/** The folder holding package.json above this file, from its source or from its bundle. */
function projectRoot(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new CliError('cannot find the haco installation (no package.json above the CLI)');
}

/**
 * How to run a process's own check: its bundle when the CLI runs from one (production, the units), its
 * source through tsx while developing, so that the check is always the process's own boot validation.
 */
function checkCommand(kind: Kind, file: string): string[] {
  const root = projectRoot();
  const bundle = join(root, 'dist', kind, 'main.js');
  const fromBundle = __filename.endsWith('.app.js');
  const entry = fromBundle ? [bundle] : ['--import', 'tsx', join(root, 'apps', kind, 'src', 'main.ts')];
  return [...entry, '--check', '--config', file];
}

/**
 * `haco config check FILE...`: each file validated exactly as its process validates it at boot (a peer's
 * file, a whole Kea Dhcp4 configuration carrying the HA hook, or the watcher's), with the same texts;
 * like `kea-dhcp4 -t`, nothing is started. Exits 0 when all are valid, else 2 after naming each problem.
 */
export function configCheck(files: readonly string[]): number {
  let failed = 0;
  for (const file of files) {
    const kind = kindOf(file);
    const result = spawnSync(process.execPath, checkCommand(kind, file), {
      cwd: projectRoot(),
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (result.status === 0) {
      process.stdout.write(`${file}: ${kind} configuration OK\n`);
      continue;
    }
    failed += 1;
    const reason = (result.stderr || result.error?.message || 'no reason given').trim();
    process.stderr.write(`${file}: ${reason.replace(/^(haco peer|haco coordinator|kea-watch): /, '')}\n`);
  }
  return failed === 0 ? 0 : 2;
}
