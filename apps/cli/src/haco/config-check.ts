import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { HaConfig } from '@haco/ha-core';
import { reviewPauses } from '@haco/ha-core';
import { launchArgs } from '@haco/common';
import { CliError } from './api-client';

/** Node's exit code when it cannot load a startup snapshot (one made by another Node.js, mostly). */
const SNAPSHOT_NOT_LOADED = 14;

type Kind = 'peer' | 'kea-watch' | 'coordinator';
type Finding = ReturnType<typeof reviewPauses>[number];

export interface ConfigCheckOptions {
  /** Name a partner-down slower than this many milliseconds. */
  readonly failoverTarget?: number;
  readonly json?: boolean;
}

interface Checked {
  readonly file: string;
  readonly kind: Kind;
  readonly error: string | null;
  /** A peer's HA relationship as the peer read it, and where it is in the file. */
  readonly ha?: { readonly config: HaConfig; readonly path: string };
}

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
  const sections = ['nats', 'database', 'http', 'auth', 'logLevel', 'retention'];
  const keys = Object.keys(raw);
  return keys.length > 0 && keys.every((key) => sections.includes(key)) ? 'coordinator' : 'peer';
}

/** The folder holding package.json above this file, from its source or from its bundle. */
function projectRoot(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new CliError('cannot find the haco installation (no package.json above the CLI)');
}

/**
 * How to run a process's own check: as its unit starts it when the CLI runs from a bundle (production, the
 * units' ExecStartPre), so a peer's from its startup snapshot, and a snapshot this node cannot load is named
 * before the start; its source through tsx while developing. Either way the check is the process's own boot
 * validation.
 */
function checkCommand(kind: Kind, file: string): string[] {
  const root = projectRoot();
  const fromBundle = __filename.endsWith('.app.js') || __filename.includes(`${join('dist', 'cli')}`);
  const entry = fromBundle
    ? launchArgs(`${kind}/main`, join(root, 'dist'))
    : ['--import', 'tsx', join(root, 'apps', kind, 'src', 'main.ts')];
  // Absolute: the check runs in the installation's folder, not the caller's.
  return [...entry, '--check', ...(kind === 'peer' ? ['--json'] : []), '--config', resolve(file)];
}

function check(file: string): Checked {
  const kind = kindOf(file);
  const result = spawnSync(process.execPath, checkCommand(kind, file), {
    cwd: projectRoot(),
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.status === SNAPSHOT_NOT_LOADED) {
    const reason = result.stderr.trim().replace('built withNode.js', 'built with Node.js');
    return { file, kind, error: `${reason} Run npm run build again with this node (${process.execPath}).` };
  }
  if (result.status !== 0) {
    const reason = (result.stderr || result.error?.message || 'no reason given').trim();
    return { file, kind, error: reason.replace(/^(haco peer|haco coordinator|kea-watch): /, '') };
  }
  if (kind !== 'peer') return { file, kind, error: null };
  const read = JSON.parse(result.stdout.trim().split('\n')[0]) as { ha: HaConfig; haPath: string };
  return { file, kind, error: null, ha: { config: read.ha, path: read.haPath } };
}

/** The relationship a peer file belongs to: its servers' names, whoever this one is. */
const relationship = (config: HaConfig) =>
  config.peers
    .map((peer) => peer.name)
    .sort()
    .join(',');

/** A finding's place in its file: the paused state's entry of `state-machine.states`, or the setting. */
function pathOf(checked: Checked, finding: Finding): string {
  const base = `${checked.ha!.path}[0]`;
  if (finding.state === null) return `${base}.${finding.setting ?? ''}`;
  const states = statesOf(checked.file, checked.ha!.path);
  const index = states.findIndex((entry) => entry.state === finding.state);
  return `${base}.state-machine.states[${index}]`;
}

/** The raw `state-machine.states` of the file's relationship, followed by its dotted path. */
function statesOf(file: string, haPath: string): { state?: unknown }[] {
  let node: unknown = JSON.parse(readFileSync(file, 'utf8'));
  for (const part of haPath.split('.')) {
    const [, key, index] = /^([^[]+)(?:\[(\d+)\])?$/.exec(part) ?? [];
    node = (node as Record<string, unknown>)?.[key];
    if (index !== undefined) node = (node as unknown[])?.[Number(index)];
  }
  const first = (node as Record<string, unknown>[] | undefined)?.[0];
  const machine = first?.['state-machine'] as { states?: { state?: unknown }[] } | undefined;
  return machine?.states ?? [];
}

/**
 * `haco config check FILE...`: each file validated exactly as its process validates it at boot (a peer's
 * file, a whole Kea Dhcp4 configuration carrying the HA hook, the coordinator's or the watcher's), with
 * the same texts; like `kea-dhcp4 -t`, nothing is started. The peers' pauses are then reviewed, as a pair
 * when both files of a relationship are given (docs/operations.md, configuration review). Exits 0 when
 * every file is valid, warnings or not, else 2.
 */
export function configCheck(files: readonly string[], options: ConfigCheckOptions = {}): number {
  const checked = files.map(check);
  const findings: { file: string; path: string; finding: Finding }[] = [];
  const peers = checked.filter((c) => c.ha !== undefined);
  for (const one of peers) {
    const partner =
      peers.find(
        (other) =>
          other !== one &&
          relationship(other.ha!.config) === relationship(one.ha!.config) &&
          other.ha!.config.thisServerName !== one.ha!.config.thisServerName,
      ) ?? null;
    const review = reviewPauses(one.ha!.config, partner?.ha!.config ?? null, {
      failoverTargetMs: options.failoverTarget,
    });
    // A finding about the pair is told once, on the first file.
    for (const finding of review) {
      const pairWide = finding.code === 'PAUSE-WAITING-BOTH' || finding.code === 'STATE-MACHINE-DIFFERS';
      if (pairWide && partner !== null && checked.indexOf(partner) < checked.indexOf(one)) continue;
      findings.push({ file: one.file, path: pathOf(one, finding), finding });
    }
  }
  if (options.json === true) {
    const out = {
      files: checked.map(({ file, kind, error }) => ({ file, kind, ok: error === null, error })),
      warnings: findings.map(({ file, path, finding }) => ({
        code: finding.code,
        file,
        path,
        server: finding.server,
        text: finding.text,
      })),
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    for (const c of checked) {
      if (c.error === null) process.stdout.write(`${c.file}: ${c.kind} configuration OK\n`);
      else process.stderr.write(`${c.file}: ${c.error}\n`);
    }
    for (const { file, path, finding } of findings) {
      process.stdout.write(`WARN ${finding.code} ${file} ${path}: ${finding.text}\n`);
    }
  }
  return checked.every((c) => c.error === null) ? 0 : 2;
}
