import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HaState } from '@haco/ha-core';
import type { LogPosition } from '../kea/log-follower';

/** What the watcher knows of a server between its own runs. */
export interface WatchState {
  readonly state: HaState;
  readonly paused: boolean;
  /** When the watcher last saw the server answer (ms since the epoch): where a gap in watching begins. */
  readonly lastSeenAt: number;
  readonly logPosition: LogPosition | null;
}

const FILE = 'watch.json';

export function loadWatchState(dir: string): WatchState | null {
  const path = join(dir, FILE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as WatchState) : null;
}

/** Written whole and renamed into place, so a kill mid-write leaves the previous state. */
export function saveWatchState(dir: string, state: WatchState): void {
  const path = join(dir, FILE);
  writeFileSync(`${path}.tmp`, JSON.stringify(state));
  renameSync(`${path}.tmp`, path);
}
